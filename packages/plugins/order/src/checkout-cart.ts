import type { CartComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import type { ShippingAddressJson } from './database.js';
import { orderErrors } from './errors.js';
import type { PlacedOrder, Placement } from './placement.js';

type CheckoutCart = CartComponents['schemas']['CheckoutCart'];

/** What the customer asked for besides the cart. */
export interface CheckoutRequest {
  checkoutId: string;
  customerId: string;
  cartId: string;
  shippingAddress: ShippingAddressJson;
  shipping: Array<{ storeId: string; optionId: string }>;
  paymentMethod: Record<string, unknown>;
}

/**
 * Fixes the orders of a checkout from the cart as the cart service priced it: one order per store,
 * every line with its price, discount and tax as the customer saw them, and the store's shipping.
 * Refuses a cart that is not the customer's, not open, empty, or changed since it was priced (a
 * line sold out or reduced): the customer must see what they pay for.
 */
export function placementFromCart(cart: CheckoutCart, request: CheckoutRequest, platformFeeBasisPoints: number): Placement {
  if (cart.customerId !== request.customerId) throw orderErrors.ORDER_CART_NOT_FOUND();
  if (cart.status !== 'open') throw orderErrors.ORDER_CART_NOT_OPEN();
  const changed = cart.stores.flatMap((store) => store.lines).filter((line) => line.status !== 'ok');
  if (changed.length > 0) {
    throw orderErrors.ORDER_CART_CHANGED({
      detail: `${changed.length} line(s) of the cart are sold out or reduced: read the cart again`,
      errors: changed.map((line) => ({ pointer: `/cart/lines/${line.id}`, message: `${line.status}: ${line.available} available` })),
    });
  }
  if (cart.rejectedCodes.length > 0) {
    // A coupon the customer applied stopped applying since (a limit used up, its end): charging
    // the full price silently would not be what they saw.
    throw orderErrors.ORDER_PROMOTION_UNAVAILABLE({
      detail: `${cart.rejectedCodes.length} coupon(s) of the cart no longer apply: remove them or read the cart again`,
      errors: cart.rejectedCodes.map((rejected) => ({ pointer: `/cart/couponCodes/${rejected.code}`, message: rejected.reason })),
    });
  }
  const stores = cart.stores.filter((store) => store.lines.some((line) => line.quantity > 0));
  if (stores.length === 0) throw orderErrors.ORDER_CART_EMPTY();

  const orders: PlacedOrder[] = stores.map((store) => {
    const chosen = cart.shipping.find((entry) => entry.storeId === store.storeId);
    const shippingAmount = chosen?.amount.amount ?? 0;
    const bought = store.lines.filter((line) => line.quantity > 0);
    const lines = bought.map((line) => ({
      variantId: line.variantId,
      productId: line.productId ?? '',
      productTitle: line.productTitle ?? '',
      variantTitle: line.variantTitle,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice.amount,
      subtotal: line.subtotal.amount,
      discount: line.discount.amount,
      // The promotion service's split, carried so that a later partial refund is exact.
      discountAllocations: line.allocations.map((allocation) => ({ promotionId: allocation.promotionId, amount: allocation.amount })),
      tax: line.tax.amount,
      total: line.total.amount,
    }));
    return {
      orderId: newId('ord'),
      storeId: store.storeId,
      lines,
      subtotal: store.totals.subtotal.amount,
      discount: store.totals.discount.amount,
      shippingAmount,
      shippingDiscount: store.totals.shippingDiscount.amount,
      tax: store.totals.tax.amount,
      total: store.totals.total.amount,
      // Checked against the shipping service by the `fix-shipping` step.
      shipping: { optionId: chosen?.optionId ?? null, provider: null, service: null, name: null },
      parcelWeight: bought.reduce((sum, line) => sum + line.weight * line.quantity, 0),
    };
  });
  return {
    checkoutId: request.checkoutId,
    customerId: request.customerId,
    currency: cart.currency,
    shippingAddress: request.shippingAddress,
    platformFeeBasisPoints,
    orders,
    promotions: cart.promotions.map((promotion) => ({ promotionId: promotion.promotionId, amount: promotion.amount })),
  };
}

/** The stock a placement needs, one item per variant. */
export function reservationItems(placement: Placement): Array<{ variantId: string; quantity: number }> {
  const totals = new Map<string, number>();
  for (const line of placement.orders.flatMap((order) => order.lines)) totals.set(line.variantId, (totals.get(line.variantId) ?? 0) + line.quantity);
  return [...totals].map(([variantId, quantity]) => ({ variantId, quantity }));
}

/** What the customer pays for the whole checkout. */
export function placementTotal(placement: Placement): number {
  return placement.orders.reduce((sum, order) => sum + order.total, 0);
}
