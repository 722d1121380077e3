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
 * would plan anew on every run). The items' fields may be a query template's placeholders.
 */
export function wanted(items: readonly StockItem[]) {
  const rows = sql.join(items.map((item) => sql`(${item.variantId}::text, ${item.quantity}::int4)`));
  return sql<{ id: string; quantity: number }>`(values ${rows})`.as<'wanted'>(sql`wanted(id, quantity)`);
}

/**
 * The variants' rows locked in variant id order, as a subquery of the update that writes them: the
 * lock order every stock write keeps (one variant at a time, as they used to, or all at once here),
 * so that concurrent reservations, commits and releases never deadlock each other.
 */
export function lockedInOrder(db: Db, items: readonly StockItem[]) {
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
