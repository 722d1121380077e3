import type { InventoryComponents } from '@tokobapak/sdk';
import { findUnsafeText, isSafeText } from '@tokobapak/server';
import { inventoryErrors } from './errors.js';
import { checkConsistency, checkRowShape, type FieldIssue, type ProductDraft, toDraft } from './product-input.js';

type Schemas = InventoryComponents['schemas'];

/** A rejected import row: its index (in the batch, or in the whole staged import) and why. */
export type RejectedRow = Schemas['RejectedRow'];

/** An import row that passed the checks it can pass on its own. */
export interface CheckedRow {
  index: number;
  draft: ProductDraft;
  /** Whether the row named a status: a row without one keeps an existing product's (archived stays archived). */
  statusGiven: boolean;
}

/** What {@link checkImportRow} found: a draft (when the shape is right) and the problems of the row on its own. */
export interface RowCheck {
  handle: string | null;
  draft: ProductDraft | undefined;
  statusGiven: boolean;
  issues: FieldIssue[];
}

/** Checks one import row on its own: its text, its shape against `ProductInput` (Ajv, defaults applied), then its consistency. */
export function checkImportRow(raw: unknown): RowCheck {
  const row = structuredClone(raw) as unknown;
  const candidate = row as { handle?: unknown; status?: unknown } | null;
  const statusGiven = candidate !== null && typeof candidate === 'object' && candidate.status !== undefined;
  // Text no column can hold (NUL, an unpaired surrogate) rejects the row, naming the field, before anything stores or echoes it.
  const unsafe = findUnsafeText(row);
  const handle = typeof candidate?.handle === 'string' && isSafeText(candidate.handle) ? candidate.handle : null;
  if (unsafe.length > 0) return { handle, draft: undefined, statusGiven, issues: unsafe };
  const shape = checkRowShape(row);
  if (shape.length > 0) return { handle, draft: undefined, statusGiven, issues: shape };
  const draft = toDraft(row as Schemas['ProductInput']);
  return { handle, draft, statusGiven, issues: checkConsistency(draft) };
}

/**
 * Handles and SKUs used by an earlier row of the same import (rows in index order): the later
 * row gets the problem, naming the earlier one.
 */
export function crossRowIssues(rows: Array<{ index: number; draft: ProductDraft }>): Map<number, FieldIssue[]> {
  const seenHandles = new Map<string, number>();
  const seenSkus = new Map<string, number>();
  const issues = new Map<number, FieldIssue[]>();
  for (const { index, draft } of rows) {
    const found: FieldIssue[] = [];
    const earlier = seenHandles.get(draft.handle);
    if (earlier !== undefined) found.push({ pointer: '/handle', message: `row ${earlier} has the same handle` });
    draft.variants.forEach((variant, i) => {
      const owner = seenSkus.get(variant.sku);
      if (owner !== undefined) found.push({ pointer: `/variants/${i}/sku`, message: `row ${owner} has the same SKU` });
    });
    if (earlier === undefined) seenHandles.set(draft.handle, index);
    for (const variant of draft.variants) if (!seenSkus.has(variant.sku)) seenSkus.set(variant.sku, index);
    if (found.length > 0) issues.set(index, found);
  }
  return issues;
}

/** The 422 `INVENTORY_IMPORT_REJECTED` listing every problem as `#/rows/<index><pointer>`. */
export function importRejection(rejected: RejectedRow[]) {
  const sorted = [...rejected].sort((a, b) => a.index - b.index);
  const shown = sorted.slice(0, 20).map((row) => row.index);
  const more = sorted.length > shown.length ? `, and ${sorted.length - shown.length} more` : '';
  return inventoryErrors.INVENTORY_IMPORT_REJECTED({
    detail: `${sorted.length} row${sorted.length === 1 ? ' is' : 's are'} not valid (rows ${shown.join(', ')}${more}); nothing was imported`,
    errors: sorted.flatMap((row) => row.errors.map((error) => ({ pointer: `#/rows/${row.index}${error.pointer}`, message: error.message }))),
  });
}
