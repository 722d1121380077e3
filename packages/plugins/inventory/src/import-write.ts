import { eventTypes } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './database.js';
import type { InventoryEvent } from './events.js';
import type { CheckedRow, RejectedRow } from './import-checks.js';
import { availableOf, PRODUCT_COLUMNS, type ProductRow, type VariantRow } from './mappers.js';
import type { FieldIssue } from './product-input.js';
import { reservedIssues, variantColumns } from './products.js';
import { stockChangedEvent, type Tx } from './stock.js';

type Db = Kysely<InventoryDatabase>;

/** Rows per multi-row statement: well under PostgreSQL's 65,535 parameters at ~15 columns a row. */
const CHUNK = 500;

/** What {@link applyImportRows} did. */
export interface AppliedImport {
  created: number;
  updated: number;
  /** Rows refused by the store checks, by index. */
  rejected: RejectedRow[];
}

interface Target {
  row: CheckedRow;
  existing: { product: ProductRow; variants: VariantRow[] } | undefined;
}

/**
 * Upserts checked import rows by handle, inside the caller's transaction: the one write path of
 * `importProducts` and of a staged import's commit. It locks the store's products the rows name
 * (their variants first, in id order, then the products in id order: the order every stock change
 * takes locks in), checks the rows against the store (SKUs other products keep, stock below what
 * is reserved), and, unless `all-or-nothing` found a problem, writes every accepted row with a few
 * multi-row statements per {@link CHUNK} products instead of several statements per product.
 * Events are those of `writeProduct`: created/updated, `stock-changed` for each new variant or
 * changed availability, and the product's sold-out flip.
 */
export async function applyImportRows(tx: Tx, storeId: string, rows: CheckedRow[], mode: 'all-or-nothing' | 'valid-only', now: Date): Promise<AppliedImport> {
  const targets = await lockTargets(tx.db, storeId, rows);
  const rejected = await storeChecks(tx.db, storeId, targets);
  if (mode === 'all-or-nothing' && rejected.length > 0) return { created: 0, updated: 0, rejected };
  const refused = new Set(rejected.map((row) => row.index));
  const accepted = targets.filter((target) => !refused.has(target.row.index));
  await writeTargets(tx, storeId, accepted, now);
  const updated = accepted.filter((target) => target.existing).length;
  return { created: accepted.length - updated, updated, rejected };
}

async function lockTargets(db: Db, storeId: string, rows: CheckedRow[]): Promise<Target[]> {
  const products = new Map<string, ProductRow>();
  for (const handles of chunks([...new Set(rows.map((row) => row.draft.handle))])) {
    const found = await db.selectFrom('products').select(PRODUCT_COLUMNS).where('store_id', '=', storeId).where('handle', 'in', handles).execute();
    for (const product of found) products.set(product.id, product);
  }
  const productIds = [...products.keys()].sort();
  const variantIds: string[] = [];
  for (const ids of chunks(productIds)) {
    const found = await db.selectFrom('variants').select('id').where('product_id', 'in', ids).execute();
    variantIds.push(...found.map((variant) => variant.id));
  }
  const variants = new Map<string, VariantRow[]>(productIds.map((id) => [id, []]));
  for (const ids of chunks(variantIds.sort())) {
    const locked = await db.selectFrom('variants').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
    for (const variant of locked) variants.get(variant.product_id)?.push(variant);
  }
  const byHandle = new Map<string, ProductRow>();
  for (const ids of chunks(productIds)) {
    const locked = await db.selectFrom('products').select(PRODUCT_COLUMNS).where('id', 'in', ids).orderBy('id').forUpdate().execute();
    for (const product of locked) byHandle.set(product.handle, product);
  }
  return rows.map((row) => {
    const product = byHandle.get(row.draft.handle);
    if (!product) return { row, existing: undefined };
    const current = (variants.get(product.id) ?? []).sort((a, b) => a.position - b.position);
    return { row, existing: { product, variants: current } };
  });
}

/**
 * The checks against the store. A SKU is taken when a product the import does not write holds
 * it, or one it writes keeps it; a rejected row keeps its product as it is, which can take SKUs
 * back from other rows, so the check runs again until no more rows are rejected.
 */
async function storeChecks(db: Db, storeId: string, targets: Target[]): Promise<RejectedRow[]> {
  const owners = new Map<string, string>();
  for (const skus of chunks([...new Set(targets.flatMap((target) => target.row.draft.variants.map((variant) => variant.sku)))])) {
    const found = await db.selectFrom('variants').select(['sku', 'product_id']).where('store_id', '=', storeId).where('sku', 'in', skus).execute();
    for (const variant of found) owners.set(variant.sku, variant.product_id);
  }
  const issues = new Map<number, FieldIssue[]>();
  for (const target of targets) {
    if (!target.existing) continue;
    const found = reservedIssues(target.row.draft, target.existing.variants);
    if (found.length > 0) issues.set(target.row.index, found);
  }
  for (;;) {
    // What each product the import writes will hold afterwards.
    const keeps = new Map<string, Set<string>>();
    for (const target of targets) {
      if (!target.existing || issues.has(target.row.index)) continue;
      keeps.set(target.existing.product.id, new Set(target.row.draft.variants.map((variant) => variant.sku)));
    }
    let changed = false;
    for (const target of targets) {
      if (issues.has(target.row.index)) continue;
      const own = target.existing?.product.id;
      const found: FieldIssue[] = [];
      target.row.draft.variants.forEach((variant, i) => {
        const owner = owners.get(variant.sku);
        if (owner === undefined || owner === own) return;
        const kept = keeps.get(owner);
        if (kept && !kept.has(variant.sku)) return;
        found.push({ pointer: `/variants/${i}/sku`, message: `another product of this store has the SKU "${variant.sku}"` });
      });
      if (found.length > 0) {
        issues.set(target.row.index, found);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return targets
    .filter((target) => issues.has(target.row.index))
    .map((target) => ({ index: target.row.index, handle: target.row.draft.handle, errors: issues.get(target.row.index) ?? [] }));
}

async function writeTargets(tx: Tx, storeId: string, targets: Target[], now: Date): Promise<void> {
  const removed: string[] = [];
  const productValues = [];
  const variantValues = [];
  const events: InventoryEvent[] = [];
  for (const { row, existing } of targets) {
    const { draft } = row;
    const productId = existing?.product.id ?? newId('prod');
    // An import row without a status keeps the product's (archived stays archived unless the row says otherwise).
    const status = existing && !row.statusGiven ? existing.product.status : draft.status;
    const old = new Map((existing?.variants ?? []).map((variant) => [variant.sku, variant]));
    const keep = new Set(draft.variants.map((variant) => variant.sku));
    for (const variant of old.values()) if (!keep.has(variant.sku)) removed.push(variant.id);
    let inStock = false;
    const written: VariantRow[] = [];
    for (const [position, variant] of draft.variants.entries()) {
      const before = old.get(variant.sku);
      const values = {
        id: before?.id ?? newId('var'),
        product_id: productId,
        store_id: storeId,
        sku: variant.sku,
        ...variantColumns(variant, position, now),
        reserved: before?.reserved ?? 0,
        created_at: now,
      };
      variantValues.push(values);
      const after = { ...values, option_values: variant.optionValues, created_at: before?.created_at ?? now } as VariantRow;
      if (availableOf(after) > 0) inStock = true;
      if (!before || availableOf(before) !== availableOf(after)) written.push(after);
    }
    // A new product starts "in stock", so one created with nothing available publishes its sold-out flip.
    const soldOutBefore = existing?.product.sold_out ?? false;
    const soldOut = !inStock;
    productValues.push({
      id: productId,
      store_id: storeId,
      handle: draft.handle,
      title: draft.title,
      description: draft.description,
      categories: JSON.stringify(draft.categories),
      image_ids: JSON.stringify(draft.imageIds),
      options: JSON.stringify(draft.options),
      status,
      sold_out: soldOut,
      from_price: Math.min(...draft.variants.map((variant) => variant.price.amount)),
      currency: draft.variants[0]?.price.currency ?? 'IDR',
      created_at: now,
      updated_at: now,
    });
    for (const variant of written) events.push(stockChangedEvent(variant));
    events.push({
      type: existing ? eventTypes.inventory.productUpdated : eventTypes.inventory.productCreated,
      subject: productId,
      data: { productId, storeId },
    });
    if (soldOut !== soldOutBefore) {
      events.push({
        type: soldOut ? eventTypes.inventory.productSoldOut : eventTypes.inventory.productBackInStock,
        subject: productId,
        data: { productId, storeId, imageIds: draft.imageIds },
      });
    }
  }

  // Removed variants go first, so a SKU one product gives up can be taken by another in the same import.
  for (const ids of chunks(removed)) await tx.db.deleteFrom('variants').where('id', 'in', ids).execute();
  for (const values of chunks(productValues)) {
    await tx.db
      .insertInto('products')
      .values(values)
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          description: eb.ref('excluded.description'),
          categories: eb.ref('excluded.categories'),
          image_ids: eb.ref('excluded.image_ids'),
          options: eb.ref('excluded.options'),
          status: eb.ref('excluded.status'),
          sold_out: eb.ref('excluded.sold_out'),
          from_price: eb.ref('excluded.from_price'),
          currency: eb.ref('excluded.currency'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  for (const values of chunks(variantValues)) {
    await tx.db
      .insertInto('variants')
      .values(values)
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          option_values: eb.ref('excluded.option_values'),
          price_amount: eb.ref('excluded.price_amount'),
          currency: eb.ref('excluded.currency'),
          weight: eb.ref('excluded.weight'),
          stock_on_hand: eb.ref('excluded.stock_on_hand'),
          position: eb.ref('excluded.position'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  // In the order they were gathered, a thousand rows a statement.
  await tx.publishMany(events);
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
