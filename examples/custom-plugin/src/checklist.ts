import type { Kysely } from 'kysely';
import type { ChecklistDatabase } from './database.js';

/** What every new store is asked to do first, in order. */
export const CHECKLIST_ITEMS: ReadonlyArray<{ key: string; title: string }> = [
  { key: 'upload-logo', title: 'Upload your logo' },
  { key: 'first-product', title: 'Create your first product' },
  { key: 'publish-product', title: 'Publish a product' },
];

/** A store's checklist as the API shows it. */
export interface Checklist {
  storeId: string;
  items: Array<{ key: string; title: string; completedAt: string | null }>;
}

/** Gives a new store its checklist; doing it again (a redelivered event) changes nothing. */
export async function createChecklist(db: Kysely<ChecklistDatabase>, storeId: string): Promise<void> {
  const rows = CHECKLIST_ITEMS.map((item, position) => ({ store_id: storeId, key: item.key, title: item.title, position }));
  await db
    .insertInto('items')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['store_id', 'key']).doNothing())
    .execute();
}

/** The store's checklist, or undefined when it has none (yet). */
export async function readChecklist(db: Kysely<ChecklistDatabase>, storeId: string): Promise<Checklist | undefined> {
  const rows = await db.selectFrom('items').select(['key', 'title', 'completed_at']).where('store_id', '=', storeId).orderBy('position').execute();
  if (rows.length === 0) return undefined;
  return { storeId, items: rows.map((row) => ({ key: row.key, title: row.title, completedAt: row.completed_at?.toISOString() ?? null })) };
}

/** Marks one item done (keeping the first time), and says whether the store has such an item. */
export async function completeItem(db: Kysely<ChecklistDatabase>, storeId: string, key: string, now: Date): Promise<boolean> {
  const updated = await db
    .updateTable('items')
    .set((eb) => ({ completed_at: eb.fn.coalesce('completed_at', eb.val(now)) }))
    .where('store_id', '=', storeId)
    .where('key', '=', key)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}
