import { type Kysely, sql } from 'kysely';
import type { InventoryDatabase } from './database.js';
import type { VariantRow } from './mappers.js';

type Db = Kysely<InventoryDatabase>;

/** One variant's share of a multi-variant stock write. */
export interface StockItem {
  variantId: string;
  quantity: number;
}

/**
 * The items as a table `wanted(id, quantity)`: `(values ($1::text, $2::int4), …)`, one statement
 * text per number of items, so PostgreSQL keeps a generic plan for each (an array parameter it
 * would plan anew on every run).
 */
function wanted(items: readonly StockItem[]) {
  const rows = sql.join(items.map((item) => sql`(${item.variantId}::text, ${item.quantity}::int4)`));
  return sql<{ id: string; quantity: number }>`(values ${rows})`.as<'wanted'>(sql`wanted(id, quantity)`);
}

/**
 * The variants' rows locked in variant id order, as a subquery of the update that writes them: the
 * lock order every stock write keeps (one variant at a time, as they used to, or all at once here),
 * so that concurrent reservations, commits and releases never deadlock each other.
 */
function lockedInOrder(db: Db, items: readonly StockItem[]) {
  return db
    .selectFrom('variants as locked')
    .select('locked.id')
    .where(
      'locked.id',
      'in',
      items.map((item) => item.variantId),
    )
    .orderBy('locked.id')
    .forUpdate();
}

/**
 * Reserves each item's quantity for `reservationId` in one statement, only on a variant that has it
 * available (`stock_on_hand - reserved >= quantity`, checked again on the row's latest version when
 * a concurrent write changed it) and that `sellable` allows, and stores the reservation's item for
 * each variant taken in the same statement. The rows taken come back in variant id order; the
 * others (short, off sale, missing) do not, and the caller refuses the whole reservation (rolling
 * these writes back) when any is missing. Items are distinct variants.
 */
export async function reserveVariants(
  db: Db,
  reservationId: string,
  items: readonly StockItem[],
  now: Date,
  // biome-ignore lint/suspicious/noExplicitAny: the expression builder's selectFrom, typed by the caller's query
  sellable: (selectFrom: any) => any,
): Promise<VariantRow[]> {
  if (items.length === 0) return [];
  const rows = await db
    .with('taken', (cte) =>
      cte
        .updateTable('variants')
        .from(wanted(items))
        .set((eb) => ({ reserved: eb('variants.reserved', '+', eb.ref('wanted.quantity')), updated_at: now }))
        .whereRef('variants.id', '=', 'wanted.id')
        .where('variants.id', 'in', lockedInOrder(db, items))
        .where(sql<boolean>`variants.stock_on_hand - variants.reserved >= wanted.quantity`)
        .where(({ exists, selectFrom }) => exists(sellable(selectFrom)))
        .returningAll('variants')
        .returning('wanted.quantity as taken_quantity'),
    )
    .with('stored', (cte) =>
      cte
        .insertInto('reservation_items')
        .columns(['reservation_id', 'variant_id', 'product_id', 'store_id', 'quantity'])
        .expression((eb) =>
          eb
            .selectFrom('taken')
            .select([sql<string>`${reservationId}::text`.as('reservation_id'), 'taken.id', 'taken.product_id', 'taken.store_id', 'taken.taken_quantity']),
        )
        .returning('reservation_items.variant_id'),
    )
    .selectFrom('taken')
    .selectAll('taken')
    .execute();
  return byVariantId(rows.map(({ taken_quantity: _quantity, ...row }) => row as VariantRow));
}

/** Takes each item's quantity off the stock on hand and the reserved count alike, in one statement; answers the rows written. */
export async function takeVariants(db: Db, items: readonly StockItem[], now: Date): Promise<VariantRow[]> {
  if (items.length === 0) return [];
  const rows = await db
    .updateTable('variants')
    .from(wanted(items))
    .set((eb) => ({
      stock_on_hand: eb('variants.stock_on_hand', '-', eb.ref('wanted.quantity')),
      reserved: eb('variants.reserved', '-', eb.ref('wanted.quantity')),
      updated_at: now,
    }))
    .whereRef('variants.id', '=', 'wanted.id')
    .where('variants.id', 'in', lockedInOrder(db, items))
    .returningAll('variants')
    .execute();
  return byVariantId(rows as VariantRow[]);
}

/** Rows in variant id order (an update answers them in no set order), so that their events go out in the order of the writes. */
function byVariantId(rows: VariantRow[]): VariantRow[] {
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
