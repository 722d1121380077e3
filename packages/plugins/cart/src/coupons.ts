import type { CartComponents } from '@tokobapak/sdk';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import { present } from './carts.js';
import type { Cart } from './context.js';
import { cartErrors } from './errors.js';
import { writePricedChange } from './priced-change.js';
import { loadCart } from './stored-cart.js';
import { lookUpVariants } from './variants.js';
import { versionedCodesChange } from './versioned-coupon-write.js';
import type { Adjustments, StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/** The most coupon codes a cart holds (what `evaluatePromotions` takes). */
const MAX_COUPONS = 10;

/**
 * Keeps a coupon code on the cart once the promotion service says it applies to the cart as it is
 * now (one `getVariants` and one `evaluatePromotions` call, before the write). A code that does not
 * apply, or a promotion service that cannot say, changes nothing (`writePricedChange`).
 */
export async function applyCoupon(cart: Cart, cartId: string, shopper: Shopper, rawCode: string): Promise<Schemas['Cart']> {
  const code = rawCode.toUpperCase();
  const { read, snapshots } = await openCart(cart, cartId, shopper);
  if (read.couponCodes.includes(code)) return present(cart, read, snapshots);
  if (read.couponCodes.length >= MAX_COUPONS) throw cartErrors.CART_TOO_MANY_COUPONS();
  return writePricedChange(cart, {
    cartId,
    shopper,
    read,
    snapshots,
    decide: (current) => {
      // Another request may have kept the code meanwhile: it is kept once.
      if (current.couponCodes.includes(code)) return versionedCodesChange(current, current.couponCodes);
      if (current.couponCodes.length >= MAX_COUPONS) throw cartErrors.CART_TOO_MANY_COUPONS();
      return versionedCodesChange(current, [...current.couponCodes, code]);
    },
    accept: (adjustments) => requireApplies(adjustments, code),
  });
}

/** The shopper's open cart as read (with its version), and its lines' variants (one `getVariants` call). */
async function openCart(cart: Cart, cartId: string, shopper: Shopper) {
  const read = ownedCart(await loadCart(cart.ctx.db, cartId, cart.settings.tax), shopper);
  requireOpen(read);
  const snapshots = await lookUpVariants(
    cart.ctx,
    read.lines.map((line) => line.variantId),
  );
  return { read, snapshots };
}

/** Refuses a code the evaluation rejected, with the promotion service's reason; and any code in a deployment without one. */
function requireApplies(adjustments: Adjustments, code: string): void {
  // Only the promotion service's answer carries `promotions` (`adjustmentsOf`): without the service, no code can be checked.
  if (adjustments.promotions === undefined) throw cartErrors.CART_PROMOTIONS_UNAVAILABLE();
  const rejected = adjustments.rejectedCodes?.find((entry) => entry.code.toUpperCase() === code);
  if (rejected) {
    throw cartErrors.CART_COUPON_REJECTED({
      detail: `${code}: ${rejected.reason}`,
      errors: [{ pointer: '#/body/code', message: rejected.reason }],
    });
  }
}

/** Takes a coupon code off the cart (any letter case); a code it does not have changes nothing. Priced before it is written. */
export async function removeCoupon(cart: Cart, cartId: string, shopper: Shopper, rawCode: string): Promise<Schemas['Cart']> {
  const code = rawCode.toUpperCase();
  const { read, snapshots } = await openCart(cart, cartId, shopper);
  const decide = (current: StoredCart) =>
    versionedCodesChange(
      current,
      current.couponCodes.filter((candidate) => candidate !== code),
    );
  return writePricedChange(cart, { cartId, shopper, read, snapshots, decide });
}
