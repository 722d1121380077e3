import type { WishlistComponents } from '@tokobapak/sdk';
import type { PluginContext } from '@tokobapak/server';
import type { WishlistDatabase } from './database.js';
import { wishlistErrors } from './errors.js';
import type { WishlistEvents } from './generated/manifest.js';

type Schemas = WishlistComponents['schemas'];
type Context = PluginContext<WishlistDatabase, WishlistEvents>;

/**
 * Moves one of the customer's items into their own open cart. The item is taken off the list first
 * (one statement), so of two moves at once only one finds it and the line is added once; then the
 * cart service adds the line (`addCustomerCartLine`, as this service, for the customer of the
 * request). When the cart refuses, or cannot be reached, the very same row goes back, and the
 * cart's problem passes through with its own code: the list is as it was.
 */
export async function moveToCart(ctx: Context, customerId: string, itemId: string, quantity: number): Promise<Schemas['MovedToCart']> {
  const taken = await ctx.db.deleteFrom('items').where('id', '=', itemId).where('customer_id', '=', customerId).returningAll().executeTakeFirst();
  if (!taken) throw wishlistErrors.WISHLIST_ITEM_NOT_FOUND(`No item ${itemId} on your wishlist`);
  try {
    const cart = await ctx.clients.cart.addCustomerCartLine({ params: { customerId }, body: { variantId: taken.variant_id, quantity } });
    return { cartId: cart.id, itemId, variantId: taken.variant_id, quantity };
  } catch (error) {
    // Put back as it was (same id, seen price, date); a wish for the same variant re-added meanwhile wins.
    await ctx.db
      .insertInto('items')
      .values({ ...taken, seen_amount: Number(taken.seen_amount) })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    throw error;
  }
}
