import type { EventPayloads } from '@tokobapak/sdk';
import type { Plugin } from '@tokobapak/server';
import { contextPlugin, type TestServer } from '@tokobapak/server/testing';

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
  const source = contextPlugin('ordersource', 'Publishes order events in tests');
  return {
    plugin: source.plugin,
    async publish(server, type, data) {
      await source.context().transaction(async (tx) => {
        await tx.publish({ type, subject: data.orderId, data });
      });
      await server.relay.drain();
    },
  };
}
