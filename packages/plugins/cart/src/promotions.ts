import { isRefusal, isServiceNotDeployed } from '@tokobapak/server';
import { applicableShipping } from './applicable-shipping.js';
import type { CartContext } from './context.js';
import { cartErrors } from './errors.js';
import type { Snapshot } from './variants.js';
import type { Adjustments, StoredCart } from './view.js';

/** What the promotion service takes of a category (its schema's bounds). */
const MAX_CATEGORIES = 20;

/**
 * The cart's discounts, from the promotion service's `evaluatePromotions` (one call): the lines
 * that can be bought now, at their current prices and capped quantities, with the cart's coupon
 * codes (plus `extraCode` when one is being applied) and the shipping chosen per store (so that a
 * free-shipping promotion can take it off). Answers undefined only when this deployment has no
 * promotion service (it is an optional dependency): the cart then shows no discounts. A deployed
 * promotion service that does not answer or fails is `CART_PROMOTIONS_UNAVAILABLE` (503): a cart
 * priced without the discounts it has would show totals that are not the real ones, and a
 * checkout reading it would charge full price and redeem nothing.
 */
export async function evaluateDiscounts(
  ctx: CartContext,
  cart: StoredCart,
  snapshots: Map<string, Snapshot>,
  couponCodes: string[] = cart.couponCodes,
): Promise<Adjustments | undefined> {
  const lines = [];
  for (const line of cart.lines) {
    const snapshot = snapshots.get(line.variantId);
    if (!snapshot?.purchasable || snapshot.price.currency !== cart.currency) continue;
    const quantity = Math.min(line.quantity, snapshot.available);
    if (quantity <= 0) continue;
    lines.push({
      lineId: line.id,
      variantId: line.variantId,
      productId: snapshot.productId,
      storeId: snapshot.storeId,
      categories: snapshot.categories.slice(0, MAX_CATEGORIES),
      quantity,
      unitPrice: snapshot.price.amount,
    });
  }
  const chosen = applicableShipping(cart, snapshots);
  const shipping = new Map(chosen.map((choice) => [choice.storeId, choice.amount]));
  if (lines.length === 0 && couponCodes.length === 0) return { allocations: new Map(), promotions: [], rejectedCodes: [], shipping };
  let evaluation: Awaited<ReturnType<CartContext['clients']['promotion']['evaluatePromotions']>>;
  try {
    evaluation = await ctx.clients.promotion.evaluatePromotions({
      body: {
        currency: cart.currency,
        customerId: cart.customerId,
        couponCodes,
        lines,
        shipping: chosen.map((choice) => ({ storeId: choice.storeId, amount: choice.amount })),
      },
    });
  } catch (error) {
    if (isServiceNotDeployed(error)) return undefined;
    // A refusal of the evaluation is a bug here, not an outage: passed on as it is.
    if (isRefusal(error)) throw error;
    throw promotionsDown(error);
  }
  return {
    allocations: new Map(evaluation.lines.map((line) => [line.lineId, line.allocations])),
    promotions: evaluation.applied.map((applied) => ({
      promotionId: applied.promotionId,
      code: applied.code,
      name: applied.name,
      type: applied.type,
      amount: applied.amount,
      fundedBy: applied.fundedBy,
      storeId: applied.storeId,
    })),
    rejectedCodes: evaluation.rejectedCodes,
    shipping,
    shippingDiscounts: new Map(evaluation.stores.map((store) => [store.storeId, store.shippingDiscount])),
  };
}

/**
 * What a cart's answer needs beyond the stored cart and its variants: its discounts (one
 * `evaluatePromotions` call, `CART_PROMOTIONS_UNAVAILABLE` when a deployed promotion service fails)
 * and the shipping that counts, also in a deployment without a promotion service.
 */
export async function adjustmentsOf(ctx: CartContext, cart: StoredCart, snapshots: Map<string, Snapshot>): Promise<Adjustments> {
  const discounts = await evaluateDiscounts(ctx, cart, snapshots);
  return discounts ?? { shipping: new Map(applicableShipping(cart, snapshots).map((choice) => [choice.storeId, choice.amount])) };
}

// A restarted promotion process is usually back within seconds.
const PROMOTIONS_RETRY_AFTER_SECONDS = 5;

/** The promotion service is deployed but did not answer (reset, refused) or failed (5xx). */
function promotionsDown(error: unknown) {
  const code = (error as { problem?: { code?: string } }).problem?.code ?? (error as { code?: string }).code;
  return cartErrors.CART_PROMOTIONS_UNAVAILABLE({
    detail: `The promotion service could not work out the cart's discounts (${code ?? 'no answer'}): try again shortly`,
    headers: { 'retry-after': String(PROMOTIONS_RETRY_AFTER_SECONDS) },
  });
}
