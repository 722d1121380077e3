import type { InventoryComponents } from '@tokobapak/sdk';
import { type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './database.js';
import { inventoryErrors } from './errors.js';
import { PRODUCT_COLUMNS, toProductInput } from './mappers.js';
import { checkConsistency, checkRowShape, type FieldIssue, toDraft } from './product-input.js';
import { type InventoryContext, idCursor, lockProduct, storeIssues, variantsOf, writeProduct } from './products.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;
type RejectedRow = Schemas['RejectedRow'];

/**
 * Upserts products by handle, in one transaction. Every row is checked on its own (shape,
 * consistency, then against the store: handles and SKUs of other products, reserved stock), in
 * order, so a row sees what the rows before it wrote. In `all-or-nothing` mode any rejected row
 * rolls everything back and the answer is a 422 listing every problem as `#/rows/<index>/<field>`.
 */
export async function importProducts(ctx: InventoryContext, storeId: string, input: Schemas['ImportInput'], now: Date): Promise<Schemas['ImportResult']> {
  const mode = input.mode ?? 'all-or-nothing';
  const rejected: RejectedRow[] = [];
  const checked: Array<{ index: number; draft: ReturnType<typeof toDraft> }> = [];
  const seenHandles = new Map<string, number>();
  const seenSkus = new Map<string, number>();

  input.rows.forEach((raw, index) => {
    const row = structuredClone(raw) as unknown;
    const handle = typeof (row as { handle?: unknown })?.handle === 'string' ? (row as { handle: string }).handle : null;
    const shape = checkRowShape(row);
    if (shape.length > 0) {
      rejected.push({ index, handle, errors: shape });
      return;
    }
    const draft = toDraft(row as Schemas['ProductInput']);
    const issues: FieldIssue[] = checkConsistency(draft);
    const earlier = seenHandles.get(draft.handle);
    if (earlier !== undefined) issues.push({ pointer: '/handle', message: `row ${earlier} has the same handle` });
    draft.variants.forEach((variant, i) => {
      const owner = seenSkus.get(variant.sku);
      if (owner !== undefined) issues.push({ pointer: `/variants/${i}/sku`, message: `row ${owner} has the same SKU` });
    });
    seenHandles.set(draft.handle, earlier ?? index);
    for (const variant of draft.variants) if (!seenSkus.has(variant.sku)) seenSkus.set(variant.sku, index);
    if (issues.length > 0) rejected.push({ index, handle, errors: issues });
    else checked.push({ index, draft });
  });
  if (mode === 'all-or-nothing' && rejected.length > 0) throw rejection(rejected);

  return ctx.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    for (const { index, draft } of checked) {
      const existing = await lockProduct(tx.db, storeId, { handle: draft.handle });
      const issues = await storeIssues(tx.db, storeId, draft, existing);
      if (issues.length > 0) {
        rejected.push({ index, handle: draft.handle, errors: issues.map(({ pointer, message }) => ({ pointer, message })) });
        continue;
      }
      // An import row without a status keeps the product's (archived stays archived unless the row says otherwise).
      const rowStatus = (input.rows[index] as { status?: unknown }).status;
      if (existing && rowStatus === undefined) draft.status = existing.product.status;
      await writeProduct(tx, storeId, draft, existing, now);
      if (existing) updated += 1;
      else created += 1;
    }
    rejected.sort((a, b) => a.index - b.index);
    // Thrown inside the transaction, so the rows written before the bad one are rolled back too.
    if (mode === 'all-or-nothing' && rejected.length > 0) throw rejection(rejected);
    return { created, updated, rejected };
  });
}

function rejection(rejected: RejectedRow[]) {
  const sorted = [...rejected].sort((a, b) => a.index - b.index);
  return inventoryErrors.INVENTORY_IMPORT_REJECTED({
    detail: `${sorted.length} row${sorted.length === 1 ? ' is' : 's are'} not valid (rows ${sorted.map((row) => row.index).join(', ')}); nothing was imported`,
    errors: sorted.flatMap((row) => row.errors.map((error) => ({ pointer: `#/rows/${row.index}${error.pointer}`, message: error.message }))),
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
