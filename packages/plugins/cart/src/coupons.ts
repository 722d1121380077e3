import type { CartComponents } from '@tokobapak/sdk';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import { lockOpenCart, present } from './carts.js';
import type { Cart } from './context.js';
import { cartErrors } from './errors.js';
import { evaluateDiscounts } from './promotions.js';
import { loadCart } from './stored-cart.js';
import { lookUpVariants } from './variants.js';
import { cartView, type StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/** The most coupon codes a cart holds (what `evaluatePromotions` takes). */
const MAX_COUPONS = 10;

/**
 * Keeps a coupon code on the cart once the promotion service says it applies to the cart as it is
 * now (one `getVariants` and one `evaluatePromotions` call, before the transaction). A code that
 * does not apply changes nothing and is refused with the promotion service's reason.
 */
export async function applyCoupon(cart: Cart, cartId: string, shopper: Shopper, rawCode: string): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const code = rawCode.toUpperCase();
  const before = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(before);
  if (before.couponCodes.includes(code)) return present(cart, before);
  if (before.couponCodes.length >= MAX_COUPONS) throw cartErrors.CART_TOO_MANY_COUPONS();
  const snapshots = await lookUpVariants(
    ctx,
    before.lines.map((line) => line.variantId),
  );
  const codes = [...before.couponCodes, code];
  const discounts = await evaluateDiscounts(ctx, before, snapshots, codes);
  if (!discounts) throw cartErrors.CART_PROMOTIONS_UNAVAILABLE();
  const rejected = discounts.rejectedCodes?.find((entry) => entry.code.toUpperCase() === code);
  if (rejected) {
    throw cartErrors.CART_COUPON_REJECTED({
      detail: `${code}: ${rejected.reason}`,
      errors: [{ pointer: '#/body/code', message: rejected.reason }],
    });
  }
  const after = await writeCodes(cart, cartId, (current) => (current.includes(code) ? current : [...current, code].slice(0, MAX_COUPONS)));
  // The evaluation above is the answer when nothing else changed the cart meanwhile.
  const unchanged = after.lines.length === before.lines.length && after.lines.every((line, index) => line.quantity === before.lines[index]?.quantity);
  return unchanged && after.couponCodes.join() === codes.join() ? cartView(after, snapshots, discounts) : present(cart, after, snapshots);
}

/** Takes a coupon code off the cart (any letter case); a code it does not have changes nothing. */
export async function removeCoupon(cart: Cart, cartId: string, shopper: Shopper, rawCode: string): Promise<Schemas['Cart']> {
  const code = rawCode.toUpperCase();
  ownedCart(await loadCart(cart.ctx.db, cartId, cart.settings.tax), shopper);
  return present(cart, await writeCodes(cart, cartId, (current) => current.filter((candidate) => candidate !== code)));
}

async function writeCodes(cart: Cart, cartId: string, change: (current: string[]) => string[]): Promise<StoredCart> {
  const now = cart.ctx.clock.now();
  return cart.ctx.transaction(async (tx) => {
    await lockOpenCart(tx, cartId);
    const row = await tx.db.selectFrom('carts').select('coupon_codes').where('id', '=', cartId).executeTakeFirstOrThrow();
    await tx.db
      .updateTable('carts')
      .set({ coupon_codes: JSON.stringify(change(row.coupon_codes)), updated_at: now })
      .where('id', '=', cartId)
      .execute();
    const stored = await loadCart(tx.db, cartId, cart.settings.tax);
    if (!stored) throw cartErrors.CART_NOT_FOUND();
    return stored;
  });
}
