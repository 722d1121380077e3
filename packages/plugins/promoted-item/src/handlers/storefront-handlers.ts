import { liveSlots } from '../homepage.js';
import type { PromotedItemSettings } from '../options.js';
import { PLATFORM, storeOwner } from '../slots.js';
import { recordInteraction } from '../tracking.js';
import type { PromotedItemHandlers } from './types.js';

/** The public side: what is live now, and the impressions and clicks storefronts report. */
export function storefrontHandlers(settings: PromotedItemSettings): Pick<PromotedItemHandlers, 'getHomepage' | 'recordImpression' | 'recordClick'> {
  return {
    async getHomepage({ query }, ctx) {
      const owner = query.store === undefined ? PLATFORM : storeOwner(query.store);
      return liveSlots(ctx.db, owner, { placement: query.placement, limit: query.limit ?? settings.homepageLimit }, ctx.clock.now());
    },

    async recordImpression({ body }, ctx) {
      await recordInteraction(ctx.transaction, 'impression', body, ctx.clock.now());
    },

    async recordClick({ body }, ctx) {
      await recordInteraction(ctx.transaction, 'click', body, ctx.clock.now());
    },
  };
}
