import type { CartComponents } from '@tokobapak/sdk';
import { addLine, openCustomerCart, readCart } from './carts.js';
import type { Cart } from './context.js';
import { ReferenceUsed } from './referenced-line-write.js';
import { lookUpVariants } from './variants.js';

type Schemas = CartComponents['schemas'];

/**
 * Adds a line to a customer's own open cart for the wishlist service, which acts in that customer's
 * request. No cart id is taken, so nothing but the customer's open cart is reachable; a customer
 * without one gets one in the variant's currency (a default-currency cart would refuse a variant
 * priced otherwise). Then exactly `addLine` as the customer: same checks, priced before it is
 * written.
 *
 * The request's `reference` is stored with the line, in its transaction: a reference the customer
 * has used already adds nothing and answers the cart it went into. So a caller that crashed after
 * the line was added can simply ask again; and a change that could not be priced (503) or gave way
 * (`CART_CONFLICT`) stored neither the line nor the reference, so its retry adds the line once.
 */
export async function addCustomerLine(cart: Cart, customerId: string, input: Schemas['CustomerLineInput']): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const { reference, ...line } = input;
  // A retry is answered before any check, so a variant that went off sale since cannot fail it.
  const done = await referencedCart(cart, customerId, reference);
  if (done) return done;
  const existing = await ctx.db.selectFrom('carts').select('id').where('customer_id', '=', customerId).where('status', '=', 'open').executeTakeFirst();
  let cartId = existing?.id;
  if (!cartId) {
    const variant = (await lookUpVariants(ctx, [input.variantId])).get(input.variantId);
    cartId = await openCustomerCart(ctx, customerId, variant?.price.currency ?? settings.defaultCurrency, ctx.clock.now());
  }
  try {
    return await addLine(cart, cartId, { customerId, tokenHash: null }, line, { customerId, reference });
  } catch (error) {
    // Another request with the reference committed after the check above (a concurrent duplicate).
    if (!(error instanceof ReferenceUsed)) throw error;
    const answer = await referencedCart(cart, customerId, reference);
    if (!answer) throw error;
    return answer;
  }
}

/** The cart a customer's reference already added its line to, as it is now; undefined when the reference is unused. */
async function referencedCart(cart: Cart, customerId: string, reference: string): Promise<Schemas['Cart'] | undefined> {
  const done = await cart.ctx.db
    .selectFrom('line_references')
    .select('cart_id')
    .where('customer_id', '=', customerId)
    .where('reference', '=', reference)
    .executeTakeFirst();
  return done ? readCart(cart, done.cart_id) : undefined;
}
