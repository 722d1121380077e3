import { sql } from 'kysely';
import type { VersionedChange } from './priced-change.js';
import { stamped } from './versioned-line-write.js';
import type { StoredCart } from './view.js';

/** A store's shipping choice: the option the shipping service quoted, its price and the parcel weight it was quoted for. */
export type ShippingChoice = StoredCart['shipping'][number];

/**
 * The store's shipping choice set (replacing any earlier one), decided on `cart` as read: one
 * statement that stamps the cart only while its row is still at the version read and, only if it
 * did, writes the choice, for `writePricedChange`.
 */
export function versionedShippingChange(cart: StoredCart, choice: ShippingChoice): VersionedChange {
  const { version, ...unversioned } = cart;
  const wouldBe: StoredCart = { ...unversioned, shipping: [...cart.shipping.filter((chosen) => chosen.storeId !== choice.storeId), choice] };
  return {
    wouldBe,
    async write(db, now) {
      if (version === undefined) return undefined;
      const columns = { option_id: choice.optionId, amount: choice.amount, weight: choice.weight, selected_at: now };
      const row = await db
        .with('stamped', (qb) => stamped(qb, { cartId: cart.id, version, now }))
        .insertInto('cart_shipping')
        .columns(['cart_id', 'store_id', 'option_id', 'amount', 'weight', 'selected_at'])
        .expression((eb) =>
          eb
            .selectFrom('stamped')
            .select([
              'stamped.id',
              sql<string>`${choice.storeId}::text`.as('store_id'),
              sql<string>`${choice.optionId}::text`.as('option_id'),
              sql<number>`${choice.amount}::bigint`.as('amount'),
              sql<number>`${choice.weight}::bigint`.as('weight'),
              sql<Date>`${now}::timestamptz`.as('selected_at'),
            ]),
        )
        .onConflict((conflict) => conflict.columns(['cart_id', 'store_id']).doUpdateSet(columns))
        .returning('cart_shipping.store_id')
        .executeTakeFirst();
      return row ? { ...wouldBe, updatedAt: now.toISOString() } : undefined;
    },
  };
}
