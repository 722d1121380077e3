import { type Insertable, type Kysely, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
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

/** A variant as a stock write answers it: what its `inventory.stock-changed` event and the sold-out check need. */
export type WrittenStock = Pick<VariantRow, 'id' | 'product_id' | 'store_id' | 'stock_on_hand' | 'reserved'>;

/**
 * A new reservation, in one statement: its row is inserted (`on conflict (reference) do nothing`);
 * only if it was, each item's quantity is reserved on a variant that has it available
 * (`stock_on_hand - reserved >= quantity`, checked again on the row's latest version when a
 * concurrent write changed it) and that `sellable` allows, the variants locked in id order first,
 * and the reservation's item is stored for each variant taken. `inserted` is false when the
 * reference was reserved before (nothing else was written or locked); `taken` holds the variants
 * taken, in id order. The others (short, off sale, missing) are not there, and the caller refuses
 * the whole reservation (rolling these writes back) when any is missing. Items are distinct variants.
 */
export async function insertReservation(
  db: Db,
  reservation: Insertable<InventoryDatabase['reservations']>,
  items: readonly StockItem[],
  now: Date,
  // biome-ignore lint/suspicious/noExplicitAny: the expression builder's selectFrom, typed by the caller's query
  sellable: (selectFrom: any) => any,
): Promise<{ inserted: boolean; taken: WrittenStock[] }> {
  // The reservation just inserted, as the other parts of the statement see it (nothing when the reference was used).
  // biome-ignore lint/suspicious/noExplicitAny: the expression builder's selectFrom, typed by the caller's query
  const insertedExists = ({ exists, selectFrom }: any) => exists(selectFrom('inserted').select('inserted.id'));
  const row = await db
    .with('inserted', (cte) =>
      cte
        .insertInto('reservations')
        .values(reservation)
        .onConflict((conflict) => conflict.column('reference').doNothing())
        .returning('reservations.id'),
    )
    .with('taken', (cte) =>
      cte
        .updateTable('variants')
        .from(wanted(items))
        .set((eb) => ({ reserved: eb('variants.reserved', '+', eb.ref('wanted.quantity')), updated_at: now }))
        .whereRef('variants.id', '=', 'wanted.id')
        .where(insertedExists)
        .where('variants.id', 'in', lockedInOrder(db, items).where(insertedExists))
        .where(sql<boolean>`variants.stock_on_hand - variants.reserved >= wanted.quantity`)
        .where(({ exists, selectFrom }) => exists(sellable(selectFrom)))
        .returning([
          'variants.id',
          'variants.product_id',
          'variants.store_id',
          'variants.stock_on_hand',
          'variants.reserved',
          'wanted.quantity as taken_quantity',
        ]),
    )
    .with('stored', (cte) =>
      cte
        .insertInto('reservation_items')
        .columns(['reservation_id', 'variant_id', 'product_id', 'store_id', 'quantity'])
        .expression((eb) =>
          eb
            .selectFrom('taken')
            .innerJoin('inserted', (join) => join.onTrue())
            .select(['inserted.id', 'taken.id as variant_id', 'taken.product_id', 'taken.store_id', 'taken.taken_quantity']),
        )
        .returning('reservation_items.variant_id'),
    )
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('inserted').select('inserted.id')).as('inserted'),
      jsonArrayFrom(
        eb.selectFrom('taken').select(['taken.id', 'taken.product_id', 'taken.store_id', 'taken.stock_on_hand', 'taken.reserved']).orderBy('taken.id'),
      ).as('taken'),
    ])
    .executeTakeFirstOrThrow();
  return { inserted: Boolean(row.inserted), taken: row.taken as WrittenStock[] };
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
