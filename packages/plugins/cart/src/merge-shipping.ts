import type { Tx } from './context.js';

/**
 * Copies a guest cart's shipping choices into the customer's cart for the stores it has none for
 * (the customer's own choice wins). A copied choice still counts only while its store's parcel
 * weighs no more than it was quoted for, as on every read. Runs inside the merge's transaction,
 * with both carts locked.
 */
export async function keepGuestShipping(tx: Tx, guestCartId: string, customerCartId: string): Promise<void> {
  const guest = await tx.db.selectFrom('cart_shipping').selectAll().where('cart_id', '=', guestCartId).execute();
  if (guest.length === 0) return;
  await tx.db
    .insertInto('cart_shipping')
    .values(guest.map((choice) => ({ ...choice, cart_id: customerCartId, amount: Number(choice.amount), weight: Number(choice.weight) })))
    .onConflict((conflict) => conflict.columns(['cart_id', 'store_id']).doNothing())
    .execute();
}
