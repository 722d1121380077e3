import type { InventoryComponents } from '@tokobapak/sdk';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './database.js';
import type { Transact } from './products.js';
import { publishStockChanged, refreshSoldOut } from './stock.js';

type Schemas = InventoryComponents['schemas'];
type StockReturn = Schemas['StockReturn'];

/**
 * Puts sold units back on hand, once per reference: the return row is inserted first (the
 * reference is its key), so of two concurrent calls only the one that inserted it adds stock and
 * the other answers what the first recorded. Variants are updated in id order, like reservations,
 * so returns and reservations never deadlock.
 */
export async function returnStock(ctx: { transaction: Transact }, input: Schemas['StockReturnInput'], now: Date): Promise<StockReturn> {
  const merged = new Map<string, number>();
  for (const item of input.items) merged.set(item.variantId, (merged.get(item.variantId) ?? 0) + item.quantity);
  const items = [...merged].sort(([a], [b]) => (a < b ? -1 : 1));
  return ctx.transaction(async (tx) => {
    const claimed = await tx.db
      .insertInto('stock_returns')
      .values({ reference: input.reference, items: JSON.stringify([]), created_at: now })
      .onConflict((conflict) => conflict.column('reference').doNothing())
      .returning('reference')
      .executeTakeFirst();
    if (!claimed) return readReturn(tx.db, input.reference);
    const answered: StockReturn['items'] = [];
    const products: string[] = [];
    for (const [variantId, quantity] of items) {
      const row = await tx.db
        .updateTable('variants')
        .set((eb) => ({ stock_on_hand: eb('stock_on_hand', '+', quantity), updated_at: now }))
        .where('id', '=', variantId)
        .returningAll()
        .executeTakeFirst();
      answered.push({ variantId, quantity, returned: row !== undefined });
      if (!row) continue;
      products.push(row.product_id);
      await publishStockChanged(tx, row);
    }
    await refreshSoldOut(tx, products);
    await tx.db
      .updateTable('stock_returns')
      .set({ items: JSON.stringify(answered) })
      .where('reference', '=', input.reference)
      .execute();
    return { reference: input.reference, items: answered, createdAt: now.toISOString() };
  });
}

async function readReturn(db: Kysely<InventoryDatabase>, reference: string): Promise<StockReturn> {
  const row = await db.selectFrom('stock_returns').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
  return { reference: row.reference, items: row.items, createdAt: row.created_at.toISOString() };
}
