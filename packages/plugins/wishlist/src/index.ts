/** @tokobapak/plugin-wishlist: customers' wishlists with live price and stock, back-in-stock and price-drop alerts. */
import type { WishlistOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import { announceBackInStock, comparePrices, eraseDeletedUsers, queuePriceCheck } from './alerts.js';
import type { WishlistDatabase } from './database.js';
import { wishlistErrors } from './errors.js';
import { manifest, type WishlistEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { wishlistHandlers } from './handlers.js';
import { migrations } from './migrations/index.js';
import { DROP_MOVED_INTERVAL_MS, dropMovedItems, noteMovedItems } from './moved-items.js';
import { resolveSettings, type WishlistPluginOptions } from './options.js';

export type { WishlistDatabase } from './database.js';
export { wishlistErrors } from './errors.js';
export type { WishlistEvents } from './generated/manifest.js';
export type { WishlistPluginOptions } from './options.js';

/**
 * The wishlist service as a plugin. It reads prices and stock from inventory (`getVariants`) and
 * listens to inventory's product events to publish back-in-stock and price-drop alerts, and to the
 * cart's `cart.line-referenced` to take off the list a moved item whose move died half-way.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), userPlugin(), inventoryPlugin(), wishlistPlugin({ maxItems: 200 })] });
 */
export function wishlistPlugin(options: WishlistPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  return definePlugin<WishlistOperations, WishlistDatabase, WishlistEvents>({
    name: 'wishlist',
    summary: "Customers' wishlists with live price and stock; back-in-stock and price-drop alerts",
    spec,
    manifest,
    migrations,
    errors: wishlistErrors,
    handlers: wishlistHandlers(settings),
    subscriptions: [announceBackInStock, queuePriceCheck, eraseDeletedUsers, noteMovedItems],
    jobs: [
      {
        name: 'compare-prices',
        intervalMs: settings.priceCheckIntervalMs,
        async run(ctx) {
          // A full batch may leave more queued: keep going until the queue is drained or nothing moves.
          for (let round = 0; round < 10; round++) {
            const before = await ctx.db
              .selectFrom('price_checks')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow();
            if (Number(before.n) === 0) break;
            await comparePrices(ctx);
          }
        },
      },
      {
        // A move whose request died after the cart took the line: its wish leaves the list.
        name: 'drop-moved-items',
        intervalMs: DROP_MOVED_INTERVAL_MS,
        async run(ctx) {
          await dropMovedItems(ctx);
        },
      },
    ],
  });
}
