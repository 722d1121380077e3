/** @tokobapak/plugin-order: checkouts as durable processes, one order per store, and the store's order desk. */
import type { OrderOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import { settleCheckouts } from './checkout-driver.js';
import { checkoutProcess } from './checkout-process.js';
import type { OrderDatabase } from './database.js';
import { orderErrors } from './errors.js';
import { manifest, type OrderEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { checkoutHandlers } from './handlers/checkout-handlers.js';
import { customerHandlers } from './handlers/customer-handlers.js';
import { deskHandlers } from './handlers/desk-handlers.js';
import { migrations } from './migrations/index.js';
import { type OrderPluginOptions, resolveSettings } from './options.js';
import { enforceOrderDeadlines } from './order-deadlines.js';
import { trackPayments } from './payment-events.js';
import { promptSettlement } from './prompt-settlement.js';
import { settleOwedRefunds } from './refund-acknowledgements.js';
import { finishPendingRefunds } from './refund-driver.js';
import { releaseProcess, settleProcess } from './settlement.js';
import { trackShipments } from './shipment-events.js';

export type { CheckoutStatus, OrderDatabase, OrderStatus } from './database.js';
export { orderErrors } from './errors.js';
export type { OrderEvents } from './generated/manifest.js';
export type { OrderPluginOptions } from './options.js';

/**
 * The order service as a plugin: a customer's checkouts and orders, and the store's order desk.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), inventoryPlugin(), orderPlugin({ platformFeeBasisPoints: 250 })] });
 */
export function orderPlugin(options: OrderPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  const checkout = checkoutProcess(settings);
  const settlement = promptSettlement();
  return definePlugin<OrderOperations, OrderDatabase, OrderEvents>({
    name: 'order',
    summary: 'Checkouts that turn a cart into one order per store and one payment, and the store order desk',
    spec,
    manifest,
    migrations,
    errors: orderErrors,
    processes: [checkout, settleProcess, releaseProcess],
    subscriptions: [trackPayments(settlement), trackShipments, settleOwedRefunds],
    jobs: [
      {
        // Refunds a crash or an unreachable payment or inventory service left half-way.
        name: 'finish-refunds',
        intervalMs: 10_000,
        async run(ctx) {
          await finishPendingRefunds(ctx, 60_000);
        },
      },
      {
        // A store that never accepts a paid order, and a shipped order nobody completes (order-deadlines.ts).
        name: 'order-deadlines',
        intervalMs: 60_000,
        async run(ctx) {
          await enforceOrderDeadlines(ctx, settings);
        },
      },
      {
        name: 'settle-checkouts',
        intervalMs: settings.settleIntervalMs,
        async run(ctx) {
          await settleCheckouts(ctx);
        },
      },
    ],
    handlers: {
      ...checkoutHandlers(settings, checkout),
      ...customerHandlers(),
      ...deskHandlers(),
    },
    async onStart(ctx) {
      settlement.start(ctx);
    },
    async onStop() {
      await settlement.stop();
    },
  });
}
