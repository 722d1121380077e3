/** @tokobapak/plugin-promoted-item: homepage banners and promoted products with placements, schedules and priorities. */
import type { PromotedItemOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { PromotedItemDatabase } from './database.js';
import { promotedItemErrors } from './errors.js';
import { manifest, type PromotedItemEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { bannerHandlers } from './handlers/banner-handlers.js';
import { promotionHandlers } from './handlers/promotion-handlers.js';
import { storefrontHandlers } from './handlers/storefront-handlers.js';
import { migrations } from './migrations/index.js';
import { type PromotedItemPluginOptions, resolveSettings } from './options.js';

export type { PromotedItemDatabase, SlotScope, SlotStatus } from './database.js';
export { promotedItemErrors } from './errors.js';
export type { PromotedItemEvents } from './generated/manifest.js';
export type { PromotedItemPluginOptions } from './options.js';

/**
 * The promoted-item service as a plugin. Creating or repointing a slot checks its image with
 * image-proxy and its product with inventory (`ctx.clients`), and is refused with 503 when they cannot
 * be reached; store and admin callers are recognised from their access tokens or API keys.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), promotedItemPlugin({ homepageLimit: 6 })] });
 */
export function promotedItemPlugin(options: PromotedItemPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  return definePlugin<PromotedItemOperations, PromotedItemDatabase, PromotedItemEvents>({
    name: 'promoted-item',
    summary: 'Homepage banners and promoted products with placements, schedules and priorities',
    spec,
    manifest,
    migrations,
    errors: promotedItemErrors,
    handlers: {
      ...storefrontHandlers(settings),
      ...bannerHandlers(),
      ...promotionHandlers(),
    },
  });
}
