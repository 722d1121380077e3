import { definePlugin, type Plugin, type PluginContext } from '../plugin.js';

/** A test plugin with no operations and the context the server gave it once started. */
export interface ContextPlugin {
  plugin: Plugin;
  /** The plugin's context (its transactions publish through the outbox like a real service's); throws before the server started. */
  context(): PluginContext<unknown>;
}

/**
 * A plugin with no operations, tables or handlers whose only use is its context: tests publish
 * another service's events through it, or write through a plugin's own domain code in its schema,
 * without loading that service.
 *
 * @example
 * const source = contextPlugin('ordersource');
 * const server = await createTestServer({ plugins: [merchantPlugin(), source.plugin] });
 * await source.context().transaction((tx) => tx.publish({ type: 'order.completed', subject: orderId, data }));
 */
export function contextPlugin(name: string, summary = `Stands in for another service in tests (${name})`): ContextPlugin {
  let captured: PluginContext<unknown> | undefined;
  const plugin = definePlugin<Record<string, never>, unknown>({
    name,
    summary,
    spec: { openapi: '3.1.0', info: { title: name, version: '0.0.0' }, paths: {} },
    handlers: {},
    migrations: {},
    async onStart(ctx) {
      captured = ctx;
    },
  });
  return {
    plugin,
    context() {
      if (!captured) throw new Error(`the server with ${name} has not started`);
      return captured;
    },
  };
}
