import { type CartComponents, TokoBapakError } from '@tokobapak/sdk';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import type { Cart } from './context.js';
import { cartErrors } from './errors.js';
import { writePricedChange } from './priced-change.js';
import { loadCart } from './stored-cart.js';
import { lookUpVariants } from './variants.js';
import { versionedShippingChange } from './versioned-shipping-write.js';
import type { StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/**
 * Chooses a store's shipping option by the id the shipping service quoted. The price is read from
 * the shipping service (never taken from the client), and must be a live quote of that store in the
 * cart's currency; the choice then counts in the store's totals for as long as the store's parcel
 * weighs no more than was quoted. Priced before it is written (`writePricedChange`): a promotion
 * service that cannot price the cart with it leaves the cart as it was.
 */
export async function selectShipping(cart: Cart, cartId: string, storeId: string, shopper: Shopper, optionId: string): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const read = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(read);
  requireStoreInCart(read, storeId);
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
  if (quote.amount.currency !== read.currency) throw cartErrors.CART_SHIPPING_OPTION_INVALID('The option is priced in another currency than the cart');
  const snapshots = await lookUpVariants(
    ctx,
    read.lines.map((line) => line.variantId),
  );
  const choice = { storeId, optionId: quote.optionId, amount: quote.amount.amount, weight: quote.weight };
  const decide = (current: StoredCart) => {
    requireStoreInCart(current, storeId);
    return versionedShippingChange(current, choice);
  };
  return writePricedChange(cart, { cartId, shopper, read, snapshots, decide });
}

function requireStoreInCart(cart: StoredCart, storeId: string): void {
  if (!cart.lines.some((line) => line.storeId === storeId)) throw cartErrors.CART_SHIPPING_OPTION_INVALID('The cart has nothing from this store');
}
