import { getVariants } from '../variant-lookup.js';
import type { InventoryHandlers } from './types.js';

/** Many variants by id at once, for carts, wishlists and storefronts. */
export function variantLookupHandlers(): Pick<InventoryHandlers, 'getVariants'> {
  return {
    async getVariants({ body }, ctx) {
      return getVariants(ctx.db, body.ids);
    },
  };
}
