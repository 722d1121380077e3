import { queryTemplate } from '@tokobapak/server';
import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { CartDatabase } from './database.js';
import { insertNewLine } from './new-line.js';
import type { VersionedChange } from './priced-change.js';
import type { StoredCart, StoredLine } from './view.js';

/**
 * A change of one line decided on the cart as it was read (`StoredCart.version`): add a new line,
 * set an existing line's quantity, or remove a line.
 */
export type VersionedLineChange =
  | { kind: 'add'; lineId: string; variantId: string; storeId: string; quantity: number }
  | { kind: 'set'; lineId: string; quantity: number }
  | { kind: 'remove'; lineId: string };

interface Values {
  kind: VersionedLineChange['kind'];
  cartId: string;
  version: string;
  lineId: string;
  /** add only (a shape's SQL holds only the placeholders it uses). */
  variantId?: string;
  storeId?: string;
  /** add and set. */
  quantity?: number;
  now: Date;
}

interface WrittenRow {
  /** add: how many of the cart's lines sort before the new one (by creation, then id). */
  position: number | null;
  /** add: the new line's store's tax choice, null when the store never made one. */
  prices_include_tax: boolean | null;
}

/**
 * The cart row's stamp, only while the row is still at the version the change was decided on. Every
 * change of a cart's lines, shipping or coupons updates its row in the same transaction, so a
 * matching version means the lines are still the ones read; the update takes the row lock, so they
 * stay so until this statement commits. Had another change committed since the read (or held the
 * lock), PostgreSQL re-checks the condition on the newer row, the versions differ, and nothing is
 * written.
 */
export function stamped(db: QueryCreator<CartDatabase>, p: { cartId: string; version: string; now: Date }) {
  return db.updateTable('carts').set({ updated_at: p.now }).where('carts.id', '=', p.cartId).where(atVersion(p.version)).returning('carts.id');
}

/** The cart row is still at the version (`xmin`) a change was decided on (see `stamped`). */
export function atVersion(version: string) {
  return sql<boolean>`carts.xmin = ${version}::text::xid`;
}

/**
 * One statement per change, each writing the line only when the stamp (above) matched. A row comes
 * back only when the line was written; the new line's place and store tax choice come with an add,
 * since the cart as read does not know them.
 */
const versionedLineWrite = queryTemplate<CartDatabase, Values, WrittenRow>({
  name: 'cart_versioned_line_write',
  shape: (values) => values.kind,
  build: (db, p, values) => {
    const base = db.with('stamped', (qb) => stamped(qb, p));
    if (values.kind !== 'add') {
      // Only this line of this cart, and only once the stamp matched.
      const thisLine = sql<boolean>`cart_lines.id = ${p.lineId} and cart_lines.cart_id = ${p.cartId} and exists (select 1 from stamped)`;
      return base
        .with('written', (qb) =>
          values.kind === 'set'
            ? qb
                .updateTable('cart_lines')
                .set({ quantity: sql`${p.quantity}::int`, updated_at: p.now })
                .where(thisLine)
                .returning('cart_lines.id')
            : qb.deleteFrom('cart_lines').where(thisLine).returning('cart_lines.id'),
        )
        .selectFrom('written')
        .select([sql<null>`null::int`.as('position'), sql<null>`null::boolean`.as('prices_include_tax')]) as never;
    }
    return base
      .with('written', (qb) => insertNewLine(qb, p, sql<number>`${p.quantity}::int`, sql<boolean>`exists (select 1 from stamped)`).returning('cart_lines.id'))
      .selectFrom('written')
      .select((eb) => [
        // Read in the statement's snapshot, which does not hold the new line: the lines before it.
        eb
          .selectFrom('cart_lines')
          .select(sql<number>`count(*)::int`.as('position'))
          .where('cart_lines.cart_id', '=', p.cartId)
          .where(sql<boolean>`(cart_lines.created_at, cart_lines.id) < (${p.now}::timestamptz, ${p.lineId}::text)`)
          .as('position'),
        eb
          .selectFrom('store_tax_settings')
          .select('store_tax_settings.prices_include_tax')
          .where('store_tax_settings.store_id', '=', p.storeId)
          .as('prices_include_tax'),
      ]) as never;
  },
});

/**
 * Writes a line change decided on `cart` as read, in one statement, if the cart has not changed
 * since, and answers the cart after the change; undefined when it has (or `cart` was read without
 * its version): the caller then locks the cart and decides again.
 */
export async function writeVersionedLine(db: Kysely<CartDatabase>, cart: StoredCart, change: VersionedLineChange, now: Date): Promise<StoredCart | undefined> {
  if (cart.version === undefined) return undefined;
  const [row] = await versionedLineWrite.execute(db, {
    cartId: cart.id,
    version: cart.version,
    now,
    ...change,
  });
  if (!row) return undefined;
  const after: StoredCart = { ...changedCart(cart, change, row.position ?? cart.lines.length), updatedAt: now.toISOString() };
  if (change.kind === 'add' && row.prices_include_tax !== null && !cart.storeTaxes.has(change.storeId)) {
    after.storeTaxes = new Map(cart.storeTaxes).set(change.storeId, row.prices_include_tax);
  }
  return after;
}

/** The line change decided on `cart` as read, for `writePricedChange`. */
export function versionedLineChange(cart: StoredCart, change: VersionedLineChange): VersionedChange {
  return { wouldBe: changedCart(cart, change), write: (db, now) => writeVersionedLine(db, cart, change, now) };
}

/**
 * `cart` with the change made, as it will be once written: a new line goes in at `position` (by
 * default last, where a line created now sorts unless a clock went back). Without a version: the
 * one after the write is not known, so a further change reads the cart again.
 */
export function changedCart(cart: StoredCart, change: VersionedLineChange, position = cart.lines.length): StoredCart {
  const { version: _read, ...unversioned } = cart;
  return { ...unversioned, lines: changedLines(cart.lines, change, position) };
}

function changedLines(lines: StoredLine[], change: VersionedLineChange, position: number): StoredLine[] {
  switch (change.kind) {
    case 'add': {
      const added = { id: change.lineId, variantId: change.variantId, storeId: change.storeId, quantity: change.quantity };
      return [...lines.slice(0, position), added, ...lines.slice(position)];
    }
    case 'set':
      return lines.map((line) => (line.id === change.lineId ? { ...line, quantity: change.quantity } : line));
    case 'remove':
      return lines.filter((line) => line.id !== change.lineId);
  }
}
