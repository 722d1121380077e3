import type { InventoryComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { type Kysely, sql } from 'kysely';
import type { InventoryDatabase, StoredImportResult } from './database.js';
import { inventoryErrors } from './errors.js';
import { type CheckedRow, checkImportRow, crossRowIssues, importRejection, type RejectedRow } from './import-checks.js';
import { applyImportRows } from './import-write.js';
import { iso } from './mappers.js';
import type { ProductDraft } from './product-input.js';
import { type InventoryContext, writeChecked } from './products.js';
import type { Tx } from './stock.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;

/** How long an import lives after it is created; then it is swept with its rows. */
export const IMPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** Rows per multi-row insert into `import_rows`. */
const STAGE_CHUNK = 500;

/** Starts an empty staged import in the store. */
export async function createProductImport(db: Db, storeId: string, now: Date): Promise<Schemas['ProductImport']> {
  const row = await db
    .insertInto('imports')
    .values({
      id: newId('imp'),
      store_id: storeId,
      status: 'open',
      result: null,
      expires_at: new Date(now.getTime() + IMPORT_TTL_MS),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { importId: row.id, status: row.status, rows: 0, rejected: 0, expiresAt: iso(row.expires_at), createdAt: iso(row.created_at), result: null };
}

/** A staged import of the store; another store's, an abandoned or an expired one is not found. */
export async function getProductImport(db: Db, storeId: string, importId: string, now: Date): Promise<Schemas['ProductImport']> {
  const row = await findImport(db, storeId, importId, now);
  const counts = await db
    .selectFrom('import_rows')
    .select([sql<string>`count(*)`.as('rows'), sql<string>`count(errors)`.as('rejected')])
    .where('import_id', '=', importId)
    .executeTakeFirstOrThrow();
  return {
    importId: row.id,
    status: row.status,
    rows: Number(counts.rows),
    rejected: Number(counts.rejected),
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at),
    result: row.result,
  };
}

/** Drops an import and its staged rows. */
export async function abandonProductImport(db: Db, storeId: string, importId: string, now: Date): Promise<void> {
  const deleted = await db
    .deleteFrom('imports')
    .where('id', '=', importId)
    .where('store_id', '=', storeId)
    .where('expires_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  if (!deleted) throw inventoryErrors.INVENTORY_IMPORT_NOT_FOUND();
}

/**
 * Stages a batch: each row is checked on its own and stored by its index in the whole import
 * (`offset + i`), valid or with its problems. A row sent again at the same index replaces the
 * first one, so a batch can be retried.
 */
export async function addProductImportRows(
  ctx: InventoryContext,
  storeId: string,
  importId: string,
  input: Schemas['ImportRowsInput'],
  now: Date,
): Promise<Schemas['ImportRowsResult']> {
  const rejected: RejectedRow[] = [];
  const staged = input.rows.map((raw, i) => {
    const index = input.offset + i;
    const check = checkImportRow(raw);
    if (check.issues.length > 0) {
      rejected.push({ index, handle: check.handle, errors: check.issues });
      return { import_id: importId, row_index: index, handle: check.handle, input: null, errors: JSON.stringify(check.issues) };
    }
    // The original row, not the draft: the commit checks it again, so a row means what it said.
    return { import_id: importId, row_index: index, handle: check.handle, input: JSON.stringify(raw), errors: null };
  });
  await ctx.transaction(async (tx) => {
    // A shared lock: batches stage side by side, and a commit waits for them (and they for it).
    const row = await lockImport(tx, storeId, importId, now, 'share');
    if (row.status !== 'open') throw inventoryErrors.INVENTORY_IMPORT_NOT_OPEN();
    for (let i = 0; i < staged.length; i += STAGE_CHUNK) {
      await tx.db
        .insertInto('import_rows')
        .values(staged.slice(i, i + STAGE_CHUNK))
        .onConflict((conflict) =>
          conflict.columns(['import_id', 'row_index']).doUpdateSet((eb) => ({
            handle: eb.ref('excluded.handle'),
            input: eb.ref('excluded.input'),
            errors: eb.ref('excluded.errors'),
          })),
        )
        .execute();
    }
  });
  return { received: input.rows.length, rejected };
}

/**
 * Applies every staged row in one transaction, through the write path `importProducts` uses.
 * `all-or-nothing` throws (rolling everything back, the import staying open) when any row was
 * rejected at staging, across rows, or against the store. A committed import returns its result.
 */
export async function commitProductImport(
  ctx: InventoryContext,
  storeId: string,
  importId: string,
  mode: 'all-or-nothing' | 'valid-only',
  now: Date,
): Promise<Schemas['ImportResult']> {
  return writeChecked(ctx.transaction, async (tx) => {
    const row = await lockImport(tx, storeId, importId, now, 'update');
    if (row.status === 'committed' && row.result) return row.result;
    const staged = await tx.db
      .selectFrom('import_rows')
      .select(['row_index', 'handle', 'input', 'errors'])
      .where('import_id', '=', importId)
      .orderBy('row_index')
      .execute();
    const rejected: RejectedRow[] = [];
    const drafts: CheckedRow[] = [];
    for (const stagedRow of staged) {
      if (stagedRow.errors || !stagedRow.input) {
        rejected.push({ index: stagedRow.row_index, handle: stagedRow.handle, errors: stagedRow.errors ?? [] });
        continue;
      }
      const check = checkImportRow(stagedRow.input);
      if (check.draft && check.issues.length === 0)
        drafts.push({ index: stagedRow.row_index, draft: check.draft as ProductDraft, statusGiven: check.statusGiven });
      else rejected.push({ index: stagedRow.row_index, handle: check.handle, errors: check.issues });
    }
    const duplicates = crossRowIssues(drafts);
    const checked = drafts.filter((draft) => {
      const issues = duplicates.get(draft.index);
      if (issues) rejected.push({ index: draft.index, handle: draft.draft.handle, errors: issues });
      return !issues;
    });
    if (mode === 'all-or-nothing' && rejected.length > 0) throw importRejection(rejected);
    const applied = await applyImportRows(tx, storeId, checked, mode, now);
    const all = [...rejected, ...applied.rejected].sort((a, b) => a.index - b.index);
    // Thrown inside the transaction: nothing is written, and the import stays open.
    if (mode === 'all-or-nothing' && all.length > 0) throw importRejection(all);
    const result: StoredImportResult = { created: applied.created, updated: applied.updated, rejected: all };
    await tx.db
      .updateTable('imports')
      .set({ status: 'committed', result: JSON.stringify(result), updated_at: now })
      .where('id', '=', importId)
      .execute();
    // The staged rows have done their job; the import itself stays (with its result) until it expires.
    await tx.db.deleteFrom('import_rows').where('import_id', '=', importId).execute();
    return result;
  });
}

/** Deletes imports past their expiry, with their staged rows; returns how many. */
export async function sweepExpiredImports(db: Db, now: Date): Promise<number> {
  const deleted = await db.deleteFrom('imports').where('expires_at', '<=', now).returning('id').execute();
  return deleted.length;
}

async function findImport(db: Db, storeId: string, importId: string, now: Date) {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', importId).where('store_id', '=', storeId).executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= now.getTime()) throw inventoryErrors.INVENTORY_IMPORT_NOT_FOUND();
  return row;
}

async function lockImport(tx: Tx, storeId: string, importId: string, now: Date, strength: 'share' | 'update') {
  const select = tx.db.selectFrom('imports').selectAll().where('id', '=', importId).where('store_id', '=', storeId);
  const row = await (strength === 'share' ? select.forShare() : select.forUpdate()).executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= now.getTime()) throw inventoryErrors.INVENTORY_IMPORT_NOT_FOUND();
  return row;
}
