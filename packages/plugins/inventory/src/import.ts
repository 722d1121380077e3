import type { InventoryComponents } from '@tokobapak/sdk';
import { type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './database.js';
import { type CheckedRow, checkImportRow, crossRowIssues, importRejection, type RejectedRow } from './import-checks.js';
import { applyImportRows } from './import-write.js';
import { PRODUCT_COLUMNS, toProductInput } from './mappers.js';
import type { FieldIssue } from './product-input.js';
import { type InventoryContext, idCursor, variantsOf, writeChecked } from './products.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;

/**
 * Upserts products by handle, in one transaction. Every row is checked on its own (shape,
 * consistency), then against the rows before it (duplicate handles and SKUs), then against the
 * store (SKUs other products keep, reserved stock). In `all-or-nothing` mode any rejected row
 * rolls everything back and the answer is a 422 listing every problem as `#/rows/<index>/<field>`.
 */
export async function importProducts(ctx: InventoryContext, storeId: string, input: Schemas['ImportInput'], now: Date): Promise<Schemas['ImportResult']> {
  const mode = input.mode ?? 'all-or-nothing';
  const rejected: RejectedRow[] = [];
  const drafts: CheckedRow[] = [];
  const consistency = new Map<number, FieldIssue[]>();
  input.rows.forEach((raw, index) => {
    const check = checkImportRow(raw);
    if (!check.draft) {
      rejected.push({ index, handle: check.handle, errors: check.issues });
      return;
    }
    drafts.push({ index, draft: check.draft, statusGiven: check.statusGiven });
    if (check.issues.length > 0) consistency.set(index, check.issues);
  });
  const duplicates = crossRowIssues(drafts);
  const checked: CheckedRow[] = [];
  for (const row of drafts) {
    const issues = [...(consistency.get(row.index) ?? []), ...(duplicates.get(row.index) ?? [])];
    if (issues.length > 0) rejected.push({ index: row.index, handle: row.draft.handle, errors: issues });
    else checked.push(row);
  }
  if (mode === 'all-or-nothing' && rejected.length > 0) throw importRejection(rejected);

  return writeChecked(ctx.transaction, async (tx) => {
    const applied = await applyImportRows(tx, storeId, checked, mode, now);
    const all = [...rejected, ...applied.rejected].sort((a, b) => a.index - b.index);
    // Thrown inside the transaction, so nothing this import locked or wrote is kept.
    if (mode === 'all-or-nothing' && all.length > 0) throw importRejection(all);
    return { created: applied.created, updated: applied.updated, rejected: all };
  });
}

/** The store's products except archived ones, oldest first, as import rows. */
export async function exportProducts(
  db: Db,
  storeId: string,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['ProductInput']>> {
  const limit = query.limit ?? 20;
  const after = idCursor(query.cursor);
  let select = db.selectFrom('products').select(PRODUCT_COLUMNS).where('store_id', '=', storeId).where('status', '!=', 'archived');
  if (after) select = select.where('id', '>', after);
  const rows = await select
    .orderBy('id', 'asc')
    .limit(limit + 1)
    .execute();
  const page = toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => row,
  );
  const variants = await variantsOf(
    db,
    page.items.map((row) => row.id),
  );
  return { items: page.items.map((row) => toProductInput(row, variants.get(row.id) ?? [])), nextCursor: page.nextCursor };
}
