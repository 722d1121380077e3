import { rowsTemplate } from '@tokobapak/server';
import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { CartDatabase } from './database.js';
import type { VersionedChange } from './priced-change.js';
import { stamped } from './versioned-line-write.js';
import type { StoredCart } from './view.js';

/** A store's shipping choice: the option the shipping service quoted, its price and the parcel weight it was quoted for. */
export type ShippingChoice = StoredCart['shipping'][number];

/**
 * Stores' shipping choices set (each replacing the store's earlier one), and those of the stores in
 * `dropped` taken off, decided on `cart` as read: one statement that stamps the cart only while its
 * row is still at the version read and, only if it did, writes every choice, for
 * `writePricedChange`. No change at all writes nothing and answers the cart as read (a committed
 * state of it).
 */
export function versionedShippingChange(cart: StoredCart, choices: ShippingChoice[], dropped: string[] = []): VersionedChange {
  const { version, ...unversioned } = cart;
  const replaced = new Set([...choices.map((choice) => choice.storeId), ...dropped]);
  const wouldBe: StoredCart = { ...unversioned, shipping: [...cart.shipping.filter((chosen) => !replaced.has(chosen.storeId)), ...choices] };
  return {
    wouldBe,
    async write(db, now) {
      if (version === undefined) return undefined;
      if (dropped.length > 0) {
        // Rare (a choice that no longer ships anywhere the shopper asked): built per call.
        const [row] = await droppingStatement(db, { cartId: cart.id, version, now }, choices, dropped).execute();
        return row ? { ...wouldBe, updatedAt: now.toISOString() } : undefined;
      }
      if (choices.length === 0) return cart;
      const [row] = await shippingWrite(db, { cartId: cart.id, version, now }, { choices });
      return row ? { ...wouldBe, updatedAt: now.toISOString() } : undefined;
    },
  };
}

/**
 * The write compiled once per count of choices, up to 20 (a statement text each); more (as many
 * stores as that in one cart, rare) are built per call, so that the shapes kept stay few.
 */
const shippingWrite = rowsTemplate<CartDatabase, Stamp, { choices: ShippingChoice }, { store_id: string }>({
  name: 'cart_versioned_shipping_write',
  max: { choices: 20 },
  build: (db, stamp, { choices }) => shippingStatement(db, stamp, choices),
});

/** Which cart, at which version read, a write stamps, and when. */
type Stamp = { cartId: string; version: string; now: Date };

/**
 * The stamp (`stamped`) and, only if it matched, every choice upserted, of values or of a
 * template's placeholders; a row comes back for each choice written.
 */
function shippingStatement(db: Kysely<CartDatabase>, stamp: Stamp, choices: readonly ShippingChoice[]) {
  return shippingUpsert(
    db.with('stamped', (qb) => stamped(qb, stamp)),
    stamp.now,
    choices,
  );
}

/** What a statement with the stamp in its `with` can write to. */
type Stamping = QueryCreator<CartDatabase & { stamped: { id: string } }>;

/** Every choice upserted for the cart `stamped` names (none if it names none); a row back for each written. */
function shippingUpsert(db: Stamping, now: Date, choices: readonly ShippingChoice[]) {
  const rows = sql.join(choices.map((choice) => sql`(${choice.storeId}::text, ${choice.optionId}::text, ${choice.amount}::bigint, ${choice.weight}::bigint)`));
  return db
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
    .returning('cart_shipping.store_id');
}

/**
 * The stamp and, only if it matched, the dropped stores' choices deleted and the new ones upserted
 * (the two touch different stores' rows); one row, the stamp's, comes back if the stamp matched.
 */
function droppingStatement(db: Kysely<CartDatabase>, stamp: Stamp, choices: readonly ShippingChoice[], dropped: readonly string[]) {
  const withDrop = db
    .with('stamped', (qb) => stamped(qb, stamp))
    .with('dropped', (qb) =>
      qb
        .deleteFrom('cart_shipping')
        .where('cart_id', 'in', (eb) => eb.selectFrom('stamped').select('stamped.id'))
        .where('store_id', 'in', [...dropped])
        .returning('cart_shipping.store_id'),
    );
  // Without choices the `written` part is left out (an upsert of no rows is not a statement).
  const written = choices.length === 0 ? withDrop : withDrop.with('written', (qb) => shippingUpsert(qb as unknown as Stamping, stamp.now, choices));
  return (written as typeof withDrop).selectFrom('stamped').select('stamped.id');
}
