/** @tokobapak/plugin-inventory: products, variants and stock; the public catalogue; stock reservations; bulk import. */
import type { InventoryOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { InventoryDatabase } from './database.js';
import { inventoryErrors } from './errors.js';
import { trackStoreStatus } from './events.js';
import { type InventoryEvents, manifest } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { catalogueHandlers } from './handlers/catalogue-handlers.js';
import { reservationHandlers } from './handlers/reservation-handlers.js';
import { stagedImportHandlers } from './handlers/staged-import-handlers.js';
import { storeProductHandlers } from './handlers/store-product-handlers.js';
import { variantLookupHandlers } from './handlers/variant-lookup-handlers.js';
import { migrations } from './migrations/index.js';
import { type InventoryPluginOptions, resolveSettings } from './options.js';
import { sweepExpired } from './reservations.js';
import { sweepExpiredImports } from './staged-imports.js';

export type { InventoryDatabase, ProductStatus, ReservationStatus } from './database.js';
export { inventoryErrors } from './errors.js';
export type { InventoryEvent } from './events.js';
export type { InventoryEvents } from './generated/manifest.js';
export type { InventoryPluginOptions } from './options.js';

/**
 * The inventory service as a plugin. It needs no other service to run; it listens to the merchant
 * service's store suspensions when that service is there.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), inventoryPlugin({ sweepIntervalSeconds: 30 })] });
 */
export function inventoryPlugin(options: InventoryPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);

  return definePlugin<InventoryOperations, InventoryDatabase, InventoryEvents>({
    name: 'inventory',
    summary: 'Products, variants and stock; the catalogue with search; stock reservations; bulk import',
    spec,
    manifest,
    migrations,
    errors: inventoryErrors,
    subscriptions: [trackStoreStatus],
    handlers: {
      ...storeProductHandlers(),
      ...stagedImportHandlers(),
      ...catalogueHandlers(),
      ...reservationHandlers(),
      ...variantLookupHandlers(),
    },
    // Expired reservations are also released when a reservation is refused for stock (and a commit
    // refuses its own when past its time); the sweep returns their stock when no checkout needs it.
    // Both jobs run once per interval across every server.
    jobs: [
      {
        name: 'release-expired-reservations',
        intervalMs: settings.sweepIntervalMs,
        async run(ctx) {
          await sweepExpired(ctx, ctx.clock.now());
        },
      },
      {
        name: 'drop-expired-imports',
        intervalMs: settings.sweepIntervalMs,
        async run(ctx) {
          await sweepExpiredImports(ctx.db, ctx.clock.now());
        },
      },
    ],
  });
}
