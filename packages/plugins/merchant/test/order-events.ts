import type { EventPayloads } from '@tokobapak/sdk';
import { definePlugin, type Plugin, type PluginContext } from '@tokobapak/server';
import type { TestServer } from '@tokobapak/server/testing';

type OrderEventType = 'order.completed' | 'order.refunded';

/**
 * Publishes the order service's money events the way it does (through a plugin's transaction and
 * the outbox), without carts, payments or stock, then waits until every consumer has them. The
 * payloads are checked against order.yaml's schemas before the merchant's consumer sees them.
 */
export interface OrderEventSource {
  plugin: Plugin;
  publish<T extends OrderEventType>(server: TestServer, type: T, data: EventPayloads[T]): Promise<void>;
}

/** A test plugin that publishes `order.completed` and `order.refunded`. */
export function orderEventSource(): OrderEventSource {
  let context: PluginContext<unknown> | undefined;
  const plugin = definePlugin<Record<string, never>, unknown>({
    name: 'ordersource',
    summary: 'Publishes order events in tests',
    spec: { openapi: '3.1.0', info: { title: 'ordersource', version: '0.0.0' }, paths: {} },
    handlers: {},
    migrations: {},
    async onStart(ctx) {
      context = ctx;
    },
  });
  return {
    plugin,
    async publish(server, type, data) {
      if (!context) throw new Error('the server has not started');
      await context.transaction(async (tx) => {
        await tx.publish({ type, subject: data.orderId, data });
      });
      await server.relay.drain();
    },
  };
}
