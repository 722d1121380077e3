import type { WishlistOperations } from '@tokobapak/sdk';
import { type Handlers, reply, requireUser } from '@tokobapak/server';
import type { WishlistDatabase } from './database.js';
import type { WishlistEvents } from './generated/manifest.js';
import { moveToCart } from './move-to-cart.js';
import type { WishlistSettings } from './options.js';
import { addItem, listItems, removeItem } from './wishlists.js';

/** The wishlist operations: always the caller's own list (the customer comes from the token, never the request). */
export function wishlistHandlers(settings: WishlistSettings): Handlers<WishlistOperations, WishlistDatabase, WishlistEvents> {
  return {
    async listWishlistItems({ query }, ctx) {
      return listItems(ctx, requireUser(ctx.caller).userId, query);
    },

    async addWishlistItem({ body }, ctx) {
      const { item, created } = await addItem(ctx, settings, requireUser(ctx.caller).userId, body.variantId);
      return created ? reply<WishlistOperations['addWishlistItem'], 201>(201, item) : reply<WishlistOperations['addWishlistItem'], 200>(200, item);
    },

    async removeWishlistItem({ params }, ctx) {
      await removeItem(ctx, requireUser(ctx.caller).userId, params.itemId);
    },

    async moveWishlistItemToCart({ params, body }, ctx) {
      return moveToCart(ctx, requireUser(ctx.caller).userId, params.itemId, body.quantity ?? 1);
    },
  };
}
