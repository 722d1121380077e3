import type { WishlistComponents } from '@tokobapak/sdk';
import type { PluginContext } from '@tokobapak/server';
import type { WishlistDatabase } from './database.js';
import { wishlistErrors } from './errors.js';
import type { WishlistEvents } from './generated/manifest.js';

type Schemas = WishlistComponents['schemas'];
type Context = PluginContext<WishlistDatabase, WishlistEvents>;

/**
 * Moves one of the customer's items into their own open cart: the cart first, then the list.
 *
 * The cart service adds the line (`addCustomerCartLine`, as this service, for the customer of the
 * request) under a reference that is the item's id, stored by the cart with the line. Only once the
 * cart has the line does the item leave the list. So a crash between the two steps leaves the wish
 * on the list (never lost), and moving it again adds nothing to the cart (the reference is known)
 * and takes the item off. When the cart refuses, or cannot be reached, its problem passes through
 * with its own code and the list was never touched.
 *
 * Of two moves of one item at once the cart adds the line once (the reference again), and only one
 * of them takes the item off the list; the other answers WISHLIST_ITEM_NOT_FOUND, like a move of an
 * item already moved.
 */
export async function moveToCart(ctx: Context, customerId: string, itemId: string, quantity: number): Promise<Schemas['MovedToCart']> {
  const item = await ctx.db.selectFrom('items').select('variant_id').where('id', '=', itemId).where('customer_id', '=', customerId).executeTakeFirst();
  if (!item) throw notOnList(itemId);
  const cart = await ctx.clients.cart.addCustomerCartLine({ params: { customerId }, body: { variantId: item.variant_id, quantity, reference: itemId } });
  const removed = await ctx.db.deleteFrom('items').where('id', '=', itemId).where('customer_id', '=', customerId).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw notOnList(itemId);
  return { cartId: cart.id, itemId, variantId: item.variant_id, quantity };
}

function notOnList(itemId: string) {
  return wishlistErrors.WISHLIST_ITEM_NOT_FOUND(`No item ${itemId} on your wishlist`);
}
