import { sql } from 'kysely';
import type { VersionedChange } from './priced-change.js';
import { stamped } from './versioned-line-write.js';
import type { StoredCart } from './view.js';

/** A store's shipping choice: the option the shipping service quoted, its price and the parcel weight it was quoted for. */
export type ShippingChoice = StoredCart['shipping'][number];

/**
 * Stores' shipping choices set (each replacing the store's earlier one), decided on `cart` as read:
 * one statement that stamps the cart only while its row is still at the version read and, only if
 * it did, writes every choice, for `writePricedChange`. No choice at all writes nothing and answers
 * the cart as read (a committed state of it).
 */
export function versionedShippingChange(cart: StoredCart, choices: ShippingChoice[]): VersionedChange {
  const { version, ...unversioned } = cart;
  const chosenStores = new Set(choices.map((choice) => choice.storeId));
  const wouldBe: StoredCart = { ...unversioned, shipping: [...cart.shipping.filter((chosen) => !chosenStores.has(chosen.storeId)), ...choices] };
  return {
    wouldBe,
    async write(db, now) {
      if (version === undefined) return undefined;
      if (choices.length === 0) return cart;
      const rows = sql.join(
        choices.map((choice) => sql`(${choice.storeId}::text, ${choice.optionId}::text, ${choice.amount}::bigint, ${choice.weight}::bigint)`),
      );
      const row = await db
        .with('stamped', (qb) => stamped(qb, { cartId: cart.id, version, now }))
        .insertInto('cart_shipping')
        .columns(['cart_id', 'store_id', 'option_id', 'amount', 'weight', 'selected_at'])
        .expression(
          sql`select stamped.id, chosen.store_id, chosen.option_id, chosen.amount, chosen.weight, ${now}::timestamptz
            from stamped cross join (values ${rows}) as chosen (store_id, option_id, amount, weight)`,
        )
        .onConflict((conflict) =>
          conflict.columns(['cart_id', 'store_id']).doUpdateSet((eb) => ({
            option_id: eb.ref('excluded.option_id'),
            amount: eb.ref('excluded.amount'),
            weight: eb.ref('excluded.weight'),
            selected_at: eb.ref('excluded.selected_at'),
          })),
        )
        .returning('cart_shipping.store_id')
        .executeTakeFirst();
      return row ? { ...wouldBe, updatedAt: now.toISOString() } : undefined;
    },
  };
}
