import { type CartComponents, TokoBapakError } from '@tokobapak/sdk';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import { present } from './carts.js';
import type { Cart } from './context.js';
import { cartErrors } from './errors.js';
import { loadCart } from './stored-cart.js';

type Schemas = CartComponents['schemas'];

/**
 * Chooses a store's shipping option by the id the shipping service quoted. The price is read from
 * the shipping service (never taken from the client), and must be a live quote of that store in the
 * cart's currency; the choice then counts in the store's totals for as long as the store's parcel
 * weighs no more than was quoted.
 */
export async function selectShipping(cart: Cart, cartId: string, storeId: string, shopper: Shopper, optionId: string): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const stored = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(stored);
  if (!stored.lines.some((line) => line.storeId === storeId)) throw cartErrors.CART_SHIPPING_OPTION_INVALID('The cart has nothing from this store');
  // Outside any transaction: a call to another service never waits inside one.
  let quote: Awaited<ReturnType<typeof ctx.clients.shipping.getShippingQuote>>;
  try {
    quote = await ctx.clients.shipping.getShippingQuote({ params: { optionId } });
  } catch (error) {
    if (error instanceof TokoBapakError && (error.status === 404 || error.status === 410)) {
      throw cartErrors.CART_SHIPPING_OPTION_INVALID('No such shipping option, or it has expired: ask for new rates');
    }
    throw error;
  }
  if (quote.storeId !== storeId) throw cartErrors.CART_SHIPPING_OPTION_INVALID('The option was quoted for another store');
  if (quote.amount.currency !== stored.currency) throw cartErrors.CART_SHIPPING_OPTION_INVALID('The option is priced in another currency than the cart');
  const now = ctx.clock.now();
  await ctx.transaction(async (tx) => {
    const row = await tx.db.selectFrom('carts').select('status').where('id', '=', cartId).forUpdate().executeTakeFirst();
    if (!row) throw cartErrors.CART_NOT_FOUND();
    requireOpen(row);
    const choice = { option_id: quote.optionId, amount: quote.amount.amount, weight: quote.weight, selected_at: now };
    await tx.db
      .insertInto('cart_shipping')
      .values({ cart_id: cartId, store_id: storeId, ...choice })
      .onConflict((conflict) => conflict.columns(['cart_id', 'store_id']).doUpdateSet(choice))
      .execute();
    await tx.db.updateTable('carts').set({ updated_at: now }).where('id', '=', cartId).execute();
  });
  return present(cart, ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper));
}
