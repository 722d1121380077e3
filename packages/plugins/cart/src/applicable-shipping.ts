import type { InventoryComponents } from '@tokobapak/sdk';
import type { StoredCart } from './view.js';

type Snapshot = InventoryComponents['schemas']['VariantSnapshot'];

/**
 * The choices that count: for a store still in the cart, whose parcel (weight × quantity of what
 * can be bought now) weighs no more than the option was quoted for. A heavier parcel needs a new quote.
 */
export function applicableShipping(cart: StoredCart, snapshots: Map<string, Snapshot>): StoredCart['shipping'] {
  const weights = new Map<string, number>();
  for (const line of cart.lines) {
    const snapshot = snapshots.get(line.variantId);
    const storeId = snapshot?.storeId ?? line.storeId;
    const quantity = snapshot?.purchasable ? Math.min(line.quantity, snapshot.available) : 0;
    weights.set(storeId, (weights.get(storeId) ?? 0) + (snapshot?.weight ?? 0) * quantity);
  }
  return cart.shipping.filter((choice) => weights.has(choice.storeId) && (weights.get(choice.storeId) ?? 0) <= choice.weight);
}
