import type { CartComponents, InventoryComponents } from '@tokobapak/sdk';
import type { CartStatus } from './database.js';
import type { TaxRule } from './options.js';
import { lineTax } from './tax.js';

type Schemas = CartComponents['schemas'];
type Snapshot = InventoryComponents['schemas']['VariantSnapshot'];

/** A cart as stored: the row, its lines and the tax settings that apply to it. */
export interface StoredCart {
  id: string;
  customerId: string | null;
  tokenHash: string | null;
  status: CartStatus;
  currency: string;
  couponCodes: string[];
  checkoutId: string | null;
  createdAt: string;
  updatedAt: string;
  lines: StoredLine[];
  /** Stores that chose, by id; any other store's prices include tax. */
  storeTaxes: Map<string, boolean>;
  tax: TaxRule;
  /** The shipping option chosen per store, with the price and the parcel weight it was quoted for. */
  shipping: Array<{ storeId: string; optionId: string; amount: number; weight: number }>;
  /**
   * The cart row's version (`xmin`) when it was read, if the read asked for it: a change written
   * only while the row is still at this version knows the lines are the ones read (see `versioned-line-write.ts`).
   */
  version?: string;
}

/** A line as stored: what was asked for, nothing about price or stock (those are read through). */
export interface StoredLine {
  id: string;
  variantId: string;
  storeId: string;
  quantity: number;
}

/** The promotion service's answer for a cart, and shipping by store id once shipping feeds it. */
export interface Adjustments {
  /** Each line's discount split per promotion (they add up to the line's discount). */
  allocations?: Map<string, Array<{ promotionId: string; amount: number }>>;
  promotions?: Schemas['AppliedPromotion'][];
  rejectedCodes?: Array<{ code: string; reason: string }>;
  shipping?: Map<string, number>;
  /** What free-shipping promotions take off each store's shipping. */
  shippingDiscounts?: Map<string, number>;
}

/**
 * The cart as the API shows it, from what is stored and the variants as inventory has them now:
 * every price is the current one, every quantity is capped by what is available now, and every
 * total is computed here (see `lineTax` for the one rounding rule).
 */
export function cartView(cart: StoredCart, snapshots: Map<string, Snapshot>, adjustments: Adjustments = {}): Schemas['Cart'] {
  const money = (amount: number) => ({ amount, currency: cart.currency });
  const stores = new Map<string, Schemas['CartStore']>();
  for (const line of cart.lines) {
    const snapshot = snapshots.get(line.variantId);
    const storeId = snapshot?.storeId ?? line.storeId;
    const pricesIncludeTax = cart.storeTaxes.get(storeId) ?? true;
    let store = stores.get(storeId);
    if (!store) {
      store = { storeId, pricesIncludeTax, lines: [], totals: emptyTotals(cart.currency) };
      stores.set(storeId, store);
    }
    // A variant gone, withdrawn, or priced in another currency since it was added counts nothing.
    const available = snapshot?.purchasable && snapshot.price.currency === cart.currency ? snapshot.available : 0;
    const quantity = Math.min(line.quantity, available);
    const unitPrice = snapshot && snapshot.price.currency === cart.currency ? snapshot.price.amount : 0;
    const subtotal = unitPrice * quantity;
    const allocations = quantity > 0 ? (adjustments.allocations?.get(line.id) ?? []) : [];
    const discount = Math.min(
      subtotal,
      allocations.reduce((sum, allocation) => sum + allocation.amount, 0),
    );
    const tax = lineTax(subtotal - discount, cart.tax, pricesIncludeTax);
    const total = subtotal - discount + (pricesIncludeTax ? 0 : tax);
    store.lines.push({
      id: line.id,
      variantId: line.variantId,
      productId: snapshot?.productId ?? null,
      storeId,
      productTitle: snapshot?.productTitle ?? null,
      productHandle: snapshot?.productHandle ?? null,
      variantTitle: snapshot?.variantTitle ?? null,
      sku: snapshot?.sku ?? null,
      imageId: snapshot?.imageId ?? null,
      weight: snapshot?.weight ?? 0,
      unitPrice: money(unitPrice),
      requestedQuantity: line.quantity,
      quantity,
      available,
      status: quantity === 0 ? 'unavailable' : quantity < line.quantity ? 'reduced' : 'ok',
      subtotal: money(subtotal),
      discount: money(discount),
      allocations,
      tax: money(tax),
      total: money(total),
    });
    add(store.totals, { subtotal, discount, tax, total });
  }
  const totals = emptyTotals(cart.currency);
  for (const store of stores.values()) {
    const shipping = adjustments.shipping?.get(store.storeId);
    if (shipping !== undefined) {
      const shippingDiscount = Math.min(shipping, adjustments.shippingDiscounts?.get(store.storeId) ?? 0);
      store.totals.shipping = money(shipping);
      store.totals.shippingDiscount = money(shippingDiscount);
      store.totals.total.amount += shipping - shippingDiscount;
      totals.shipping = money((totals.shipping?.amount ?? 0) + shipping);
      totals.shippingDiscount.amount += shippingDiscount;
    }
    add(totals, {
      subtotal: store.totals.subtotal.amount,
      discount: store.totals.discount.amount,
      tax: store.totals.tax.amount,
      total: store.totals.total.amount,
    });
  }
  return {
    id: cart.id,
    status: cart.status,
    currency: cart.currency,
    customerId: cart.customerId,
    stores: [...stores.values()],
    totals,
    tax: { ...cart.tax },
    couponCodes: cart.couponCodes,
    promotions: adjustments.promotions ?? [],
    rejectedCodes: adjustments.rejectedCodes ?? [],
    createdAt: cart.createdAt,
    updatedAt: cart.updatedAt,
  };
}

function emptyTotals(currency: string): Schemas['Totals'] {
  const zero = () => ({ amount: 0, currency });
  return { subtotal: zero(), discount: zero(), shipping: null, shippingDiscount: zero(), tax: zero(), total: zero() };
}

function add(totals: Schemas['Totals'], amounts: { subtotal: number; discount: number; tax: number; total: number }): void {
  totals.subtotal.amount += amounts.subtotal;
  totals.discount.amount += amounts.discount;
  totals.tax.amount += amounts.tax;
  totals.total.amount += amounts.total;
}
