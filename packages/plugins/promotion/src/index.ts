/** @tokobapak/plugin-promotion: coupon codes and automatic discounts with stacking rules and usage limits that hold under concurrency. */
import type { PromotionOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import { CandidateCache } from './candidate-cache.js';
import type { PromotionDatabase } from './database.js';
import { promotionErrors } from './errors.js';
import { manifest, type PromotionEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { checkoutHandlers } from './handlers/checkout-handlers.js';
import { managementHandlers } from './handlers/management-handlers.js';
import { migrations } from './migrations/index.js';
import { type PromotionPluginOptions, resolveSettings } from './options.js';
import { trackFirstOrders } from './order-events.js';
import { sweepExpired } from './redemptions.js';

export { allocate } from './allocation.js';
export type { PromotionDatabase, PromotionScope, PromotionType, RedemptionStatus } from './database.js';
export { promotionErrors } from './errors.js';
export type { PromotionEvents } from './generated/manifest.js';
export type { PromotionPluginOptions } from './options.js';

/**
 * The promotion service as a plugin: promotions managed by admins (platform) and by stores,
 * `evaluatePromotions` for the cart, and reserve / commit / release of a checkout's promotions for
 * order, with a scheduled job that expires unconfirmed reservations.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), promotionPlugin({ sweepIntervalSeconds: 30, candidateCacheMs: 2000 })] });
 */
export function promotionPlugin(options: PromotionPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  // The candidates evaluation keeps; management's writes drop them (this process sees its own changes at once).
  const candidates = new CandidateCache(settings.candidateCacheMs);
  return definePlugin<PromotionOperations, PromotionDatabase, PromotionEvents>({
    name: 'promotion',
    summary: 'Coupon codes and automatic discounts with stacking rules and usage limits',
    spec,
    manifest,
    migrations,
    errors: promotionErrors,
    handlers: {
      ...managementHandlers(candidates),
      ...checkoutHandlers(candidates),
    },
    subscriptions: [trackFirstOrders],
    jobs: [
      {
        name: 'expire-redemptions',
        intervalMs: settings.sweepIntervalMs,
        async run(ctx) {
          await sweepExpired(ctx, ctx.clock.now());
        },
      },
    ],
  });
}
