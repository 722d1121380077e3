import type { CartComponents } from '@tokobapak/sdk';
import { queryTemplate } from '@tokobapak/server';
import { present, storedCart } from './carts.js';
import type { Cart } from './context.js';
import type { CartDatabase } from './database.js';
import { cartErrors } from './errors.js';
import type { StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/** The cart as the order service checks it out: owner, lines with weights, totals, coupons, shipping choices. */
export async function getCheckoutCart(cart: Cart, cartId: string): Promise<Schemas['CheckoutCart']> {
  return checkoutView(cart, await storedCart(cart, cartId));
}

/**
 * Marks the cart bought by a checkout; the same checkout completing it again changes nothing. One
 * conditional update does it: a concurrent change of the cart (a versioned write, a merge, the
 * expiry) either commits first, and the update then finds the cart as it left it, or misses the
 * version this update makes. Only when nothing was updated is the row read, to say why.
 */
export async function completeCart({ ctx }: Cart, cartId: string, checkoutId: string): Promise<void> {
  const [completed] = await completion.execute(ctx.db, { cartId, checkoutId, now: ctx.clock.now() });
  if (completed) return;
  const row = await ctx.db.selectFrom('carts').select(['status', 'checkout_id']).where('id', '=', cartId).executeTakeFirst();
  if (!row) throw cartErrors.CART_NOT_FOUND();
  if (row.status === 'completed' && row.checkout_id === checkoutId) return;
  throw cartErrors.CART_NOT_OPEN(`The cart is ${row.status}${row.checkout_id ? ` (checkout ${row.checkout_id})` : ''}`);
}

/** `completeCart`'s update, compiled once: every checkout runs it. */
const completion = queryTemplate<CartDatabase, { cartId: string; checkoutId: string; now: Date }, { id: string }>({
  name: 'cart_complete',
  build: (db, p) =>
    db
      .updateTable('carts')
      .set({ status: 'completed', checkout_id: p.checkoutId, updated_at: p.now })
      .where('id', '=', p.cartId)
      .where('status', '=', 'open')
      .returning('id'),
});

async function checkoutView(cart: Cart, stored: StoredCart): Promise<Schemas['CheckoutCart']> {
  const view = await present(cart, stored);
  // The choices that count are those in the stores' totals (see applicableShipping).
  const counted = new Set(view.stores.filter((store) => store.totals.shipping !== null).map((store) => store.storeId));
  const shipping = stored.shipping
    .filter((choice) => counted.has(choice.storeId))
    .map((choice) => ({ storeId: choice.storeId, optionId: choice.optionId, amount: { amount: choice.amount, currency: view.currency } }));
  return { ...view, shipping, checkoutId: stored.checkoutId };
}
