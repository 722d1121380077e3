/** @tokobapak/plugin-shipping: rate quotes per store, shipments with tracking numbers, carrier webhooks and polling. */
import type { ShippingOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { ShippingDatabase } from './database.js';
import { shippingErrors } from './errors.js';
import { manifest, type ShippingEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { rateHandlers } from './handlers/rate-handlers.js';
import { shipmentHandlers } from './handlers/shipment-handlers.js';
import { storeHandlers } from './handlers/store-handlers.js';
import { webhookHandlers } from './handlers/webhook-handlers.js';
import { migrations } from './migrations/index.js';
import { resolveSettings, type ShippingPluginOptions } from './options.js';
import { pollOpenShipments } from './polling.js';
import { availableProviders } from './providers/index.js';
import { sweepOldQuotes } from './quotes.js';

export type { ProviderName, ShipmentStatus, ShippingDatabase } from './database.js';
export { shippingErrors } from './errors.js';
export type { ShippingEvents } from './generated/manifest.js';
export type { ShippingPluginOptions } from './options.js';
export { BITESHIP_WEBHOOK_HEADER } from './providers/biteship.js';
export type { Booking, CarrierUpdate, Rate, ShippingProvider } from './providers/types.js';

/**
 * The shipping service as a plugin. It needs no other service; with a Biteship account in its
 * options, stores can offer carriers through Biteship, whose webhooks it receives and whose open
 * shipments it polls.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), shippingPlugin({ biteship: { apiKey, webhookSecret } })] });
 */
export function shippingPlugin(options: ShippingPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  const providers = availableProviders(settings);
  return definePlugin<ShippingOperations, ShippingDatabase, ShippingEvents>({
    name: 'shipping',
    summary: 'Shipping rates per store, shipments with tracking numbers, carrier webhooks and polling',
    spec,
    manifest,
    migrations,
    errors: shippingErrors,
    handlers: {
      ...rateHandlers(providers),
      ...shipmentHandlers(providers, settings),
      ...storeHandlers(providers, settings),
      ...webhookHandlers(providers),
    },
    jobs: [
      {
        // Webhooks can be lost; polling catches up on what they missed.
        name: 'poll-open-shipments',
        intervalMs: settings.pollIntervalMs,
        async run(ctx) {
          if (settings.biteship) await pollOpenShipments(ctx, providers, settings.pollBatchSize, ctx.clock.now());
        },
      },
      {
        name: 'drop-old-quotes',
        intervalMs: 3_600_000,
        async run(ctx) {
          await sweepOldQuotes(ctx.db, new Date(ctx.clock.now().getTime() - settings.shipmentQuoteMs));
        },
      },
    ],
  });
}
