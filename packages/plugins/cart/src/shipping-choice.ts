import { type CartComponents, TokoBapakError } from '@tokobapak/sdk';
import { platformErrors } from '@tokobapak/server';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import type { Cart, CartContext } from './context.js';
import { cartErrors } from './errors.js';
import { writePricedChange } from './priced-change.js';
import { loadCart } from './stored-cart.js';
import { lookUpVariants } from './variants.js';
import { type ShippingChoice, versionedShippingChange } from './versioned-shipping-write.js';
import type { StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/** A shopper's choice of one store's quoted option, as the request names it. */
export interface OptionRequest {
  storeId: string;
  optionId: string;
}

/**
 * Chooses a store's shipping option by the id the shipping service quoted (`selectCartShipping`):
 * `selectShippingOptions` with one choice.
 */
export function selectShipping(cart: Cart, cartId: string, storeId: string, shopper: Shopper, optionId: string): Promise<Schemas['Cart']> {
  return selectShippingOptions(cart, cartId, shopper, [{ storeId, optionId }], () => undefined);
}

/**
 * Chooses stores' shipping options by the ids the shipping service quoted. Each price is read from
 * the shipping service (never taken from the client), and must be a live quote of that store in the
 * cart's currency; a choice then counts in the store's totals for as long as the store's parcel
 * weighs no more than was quoted. All or nothing, priced once and written once (`writePricedChange`):
 * a promotion service that cannot price the cart with them leaves the cart as it was. `pointer`
 * names a request's field in a refusal (none for the single-store operation, whose path names it).
 */
export async function selectShippingOptions(
  cart: Cart,
  cartId: string,
  shopper: Shopper,
  requests: OptionRequest[],
  pointer: (index: number, field: 'storeId' | 'optionId') => string | undefined,
): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  requests.forEach((request, index) => {
    if (requests.findIndex((other) => other.storeId === request.storeId) !== index) {
      throw platformErrors.VALIDATION_FAILED({
        detail: `Store ${request.storeId} is named twice`,
        errors: [{ pointer: pointer(index, 'storeId') ?? '/body', message: "must not repeat an earlier choice's store" }],
      });
    }
  });
  const read = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(read);
  const refuse = (index: number, field: 'storeId' | 'optionId', detail: string) => {
    const at = pointer(index, field);
    return cartErrors.CART_SHIPPING_OPTION_INVALID(at ? { detail, errors: [{ pointer: at, message: detail }] } : detail);
  };
  requests.forEach((request, index) => {
    if (!hasStore(read, request.storeId)) throw refuse(index, 'storeId', 'The cart has nothing from this store');
  });
  // Outside any transaction: a call to another service never waits inside one. Read together, so
  // that the shipping service answers them in one statement.
  const quotes = await Promise.all(requests.map((request) => readQuote(ctx, request.optionId)));
  const choices: ShippingChoice[] = requests.map((request, index) => {
    const quote = quotes[index];
    if (!quote) throw refuse(index, 'optionId', 'No such shipping option, or it has expired: ask for new rates');
    if (quote.storeId !== request.storeId) throw refuse(index, 'optionId', 'The option was quoted for another store');
    if (quote.amount.currency !== read.currency) throw refuse(index, 'optionId', 'The option is priced in another currency than the cart');
    return { storeId: request.storeId, optionId: quote.optionId, amount: quote.amount.amount, weight: quote.weight };
  });
  const snapshots = await lookUpVariants(
    ctx,
    read.lines.map((line) => line.variantId),
  );
  const decide = (current: StoredCart) => {
    requests.forEach((request, index) => {
      if (!hasStore(current, request.storeId)) throw refuse(index, 'storeId', 'The cart has nothing from this store');
    });
    return versionedShippingChange(current, choices);
  };
  return writePricedChange(cart, { cartId, shopper, read, snapshots, decide });
}

/** A live quote by id; undefined when there is none or it has expired. */
export async function readQuote(ctx: CartContext, optionId: string) {
  try {
    return await ctx.clients.shipping.getShippingQuote({ params: { optionId } });
  } catch (error) {
    if (error instanceof TokoBapakError && (error.status === 404 || error.status === 410)) return undefined;
    throw error;
  }
}

/** Whether the cart has a line of the store. */
export function hasStore(cart: StoredCart, storeId: string): boolean {
  return cart.lines.some((line) => line.storeId === storeId);
}
