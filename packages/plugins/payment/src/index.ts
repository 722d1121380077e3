/** @tokobapak/plugin-payment: payments through a built-in sandbox gateway or Midtrans, signed webhooks, refunds, reconciliation. */
import type { PaymentOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { PaymentDatabase } from './database.js';
import { paymentErrors } from './errors.js';
import { manifest, type PaymentEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { paymentHandlers } from './handlers/payment-handlers.js';
import { webhookHandlers } from './handlers/webhook-handlers.js';
import { migrations } from './migrations/index.js';
import { type PaymentPluginOptions, resolveSettings } from './options.js';
import { createGateways } from './providers/index.js';
import { reconcile } from './reconciliation.js';
import { pruneVoidedReferences } from './void-retention.js';

export type { PaymentDatabase, PaymentStatus } from './database.js';
export { paymentErrors } from './errors.js';
export type { PaymentEvents } from './generated/manifest.js';
export type { PaymentPluginOptions } from './options.js';
export type { GatewayStatus, PaymentProvider } from './providers/provider.js';

/** Void records are kept for days: pruning them hourly is plenty. */
const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * The payment service as a plugin. It needs no other service; the order service calls it.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), paymentPlugin({ provider: 'sandbox' })] });
 */
export function paymentPlugin(options: PaymentPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  const gateways = createGateways(settings);

  return definePlugin<PaymentOperations, PaymentDatabase, PaymentEvents>({
    name: 'payment',
    summary: 'Payments through a sandbox gateway or Midtrans; signed webhooks, refunds, reconciliation',
    spec,
    manifest,
    migrations,
    errors: paymentErrors,
    handlers: {
      ...paymentHandlers(gateways),
      ...webhookHandlers(gateways),
    },
    async onStart(ctx) {
      await gateways.start(ctx.db);
    },
    jobs: [
      {
        name: 'reconcile-pending',
        intervalMs: settings.reconcileIntervalMs,
        async run(ctx) {
          await reconcile(ctx, gateways, settings.reconcileAfterMs);
        },
      },
      {
        name: 'prune-voided-references',
        intervalMs: PRUNE_INTERVAL_MS,
        async run(ctx) {
          await pruneVoidedReferences(ctx, settings.voidRetentionMs);
        },
      },
    ],
  });
}
