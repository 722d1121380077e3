import { eventTypes, type InventoryComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, type HandlerContext, isUniqueViolation, newId, type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { InventoryDatabase, ProductStatus } from './database.js';
import { inventoryErrors } from './errors.js';
import type { InventoryEvents } from './generated/manifest.js';
import { availableOf, PRODUCT_COLUMNS, type ProductRow, toProduct, toProductInput, type VariantRow } from './mappers.js';
import { checkConsistency, type FieldIssue, type ProductDraft, toDraft } from './product-input.js';
import { publishStockChanged, refreshSoldOut, type Tx } from './stock.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;

/** Runs a function in one transaction of the inventory schema. */
export type Transact = HandlerContext<InventoryDatabase, InventoryEvents>['transaction'];

/** What the domain code needs from a handler's context. */
export type InventoryContext = Pick<HandlerContext<InventoryDatabase, InventoryEvents>, 'db' | 'transaction'>;

/** A problem that stops a product from being written, with the error code it is answered with on its own. */
export interface StoreIssue extends FieldIssue {
  code: 'INVENTORY_HANDLE_TAKEN' | 'INVENTORY_SKU_TAKEN' | 'INVENTORY_STOCK_BELOW_RESERVED';
}

/** A product row locked for writing, with its variants in position order. */
export interface LockedProduct {
  product: ProductRow;
  variants: VariantRow[];
}

const ID = /^[a-z]+_[0-9a-z]{26}$/;

/** The variants of these products, in one query, by product id and in position order. */
export async function variantsOf(db: Db, productIds: string[]): Promise<Map<string, VariantRow[]>> {
  const byProduct = new Map<string, VariantRow[]>(productIds.map((id) => [id, []]));
  if (productIds.length === 0) return byProduct;
  const rows = await db.selectFrom('variants').selectAll().where('product_id', 'in', productIds).orderBy('product_id').orderBy('position').execute();
  for (const row of rows) byProduct.get(row.product_id)?.push(row);
  return byProduct;
}

/** The columns of a variant row that come from its draft, as both single writes and imports store them. */
export function variantColumns(variant: ProductDraft['variants'][number], position: number, now: Date) {
  return {
    title: variant.title,
    option_values: JSON.stringify(variant.optionValues),
    price_amount: variant.price.amount,
    currency: variant.price.currency,
    weight: variant.weight,
    stock_on_hand: variant.stockOnHand,
    position,
    updated_at: now,
  };
}

/** Products with their variants (one query for all the variants). */
export async function withVariants(db: Db, rows: ProductRow[]): Promise<Schemas['Product'][]> {
  const variants = await variantsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toProduct(row, variants.get(row.id) ?? []));
}

/** One of the store's products; another store's is reported exactly like a missing one. */
export async function getStoreProduct(db: Db, storeId: string, productId: string): Promise<Schemas['Product']> {
  const row = await db.selectFrom('products').select(PRODUCT_COLUMNS).where('id', '=', productId).where('store_id', '=', storeId).executeTakeFirst();
  if (!row) throw inventoryErrors.INVENTORY_PRODUCT_NOT_FOUND();
  const [product] = await withVariants(db, [row]);
  return product as Schemas['Product'];
}

/** The store's products, any status unless one is asked for, newest first. */
export async function listStoreProducts(
  db: Db,
  storeId: string,
  query: { status?: ProductStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Product']>> {
  const limit = query.limit ?? 20;
  const after = idCursor(query.cursor);
  let select = db.selectFrom('products').select(PRODUCT_COLUMNS).where('store_id', '=', storeId);
  if (query.status) select = select.where('status', '=', query.status);
  if (after) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => row,
  );
  return { items: await withVariants(db, page.items), nextCursor: page.nextCursor };
}

/** A cursor holding an id (store lists and exports walk the primary key). */
export function idCursor(cursor: string | undefined): string | undefined {
  return decodeCursorMatching(cursor, ID);
}

/** Locks a product of the store and its variants (variants first, in id order: the order every stock change takes locks in). */
export async function lockProduct(db: Db, storeId: string, where: { id: string } | { handle: string }): Promise<LockedProduct | undefined> {
  const product = await db
    .selectFrom('products')
    .select(PRODUCT_COLUMNS)
    .where('store_id', '=', storeId)
    .$if('id' in where, (q) => q.where('id', '=', (where as { id: string }).id))
    .$if('handle' in where, (q) => q.where('handle', '=', (where as { handle: string }).handle))
    .executeTakeFirst();
  if (!product) return undefined;
  const variants = await db.selectFrom('variants').selectAll().where('product_id', '=', product.id).orderBy('id').forUpdate().execute();
  const locked = await db.selectFrom('products').select(PRODUCT_COLUMNS).where('id', '=', product.id).forUpdate().executeTakeFirst();
  if (!locked) return undefined;
  return { product: locked, variants: variants.sort((a, b) => a.position - b.position) };
}

/**
 * What stops a consistent product from being written in this store: a handle or SKU another
 * product holds, or (for an existing product) a stock on hand below what is reserved, or a
 * removed variant that still holds reserved stock.
 */
export async function storeIssues(db: Db, storeId: string, draft: ProductDraft, existing: LockedProduct | undefined): Promise<StoreIssue[]> {
  const issues: StoreIssue[] = [];
  const ownId = existing?.product.id ?? '';
  const handleOwner = await db
    .selectFrom('products')
    .select('id')
    .where('store_id', '=', storeId)
    .where('handle', '=', draft.handle)
    .where('id', '!=', ownId)
    .executeTakeFirst();
  if (handleOwner)
    issues.push({ code: 'INVENTORY_HANDLE_TAKEN', pointer: '/handle', message: `another product of this store has the handle "${draft.handle}"` });
  const skus = draft.variants.map((variant) => variant.sku);
  const taken = await db
    .selectFrom('variants')
    .select('sku')
    .where('store_id', '=', storeId)
    .where('sku', 'in', skus)
    .where('product_id', '!=', ownId)
    .execute();
  const takenSkus = new Set(taken.map((row) => row.sku));
  draft.variants.forEach((variant, i) => {
    if (takenSkus.has(variant.sku))
      issues.push({ code: 'INVENTORY_SKU_TAKEN', pointer: `/variants/${i}/sku`, message: `another product of this store has the SKU "${variant.sku}"` });
  });
  if (existing) issues.push(...reservedIssues(draft, existing.variants));
  return issues;
}

/** What the reserved stock of a product's current variants forbids: removing a variant that holds some, or a stock on hand below it. */
export function reservedIssues(draft: ProductDraft, current: VariantRow[]): StoreIssue[] {
  const issues: StoreIssue[] = [];
  const wanted = new Map(draft.variants.map((variant, i) => [variant.sku, { variant, i }]));
  for (const old of current) {
    const next = wanted.get(old.sku);
    if (!next && old.reserved > 0) {
      issues.push({
        code: 'INVENTORY_STOCK_BELOW_RESERVED',
        pointer: '/variants',
        message: `variant ${old.sku} holds ${old.reserved} reserved and cannot be removed`,
      });
    } else if (next && next.variant.stockOnHand < old.reserved) {
      issues.push({
        code: 'INVENTORY_STOCK_BELOW_RESERVED',
        pointer: `/variants/${next.i}/stockOnHand`,
        message: `${old.reserved} are reserved, so the stock on hand cannot be ${next.variant.stockOnHand}`,
      });
    }
  }
  return issues;
}

/**
 * Writes a checked product: inserts it, or updates it and its variants (matched by SKU; new ones
 * added, missing ones removed). Publishes created/updated, `stock-changed` for each variant whose
 * availability changed, and the product's sold-out flip.
 */
export async function writeProduct(tx: Tx, storeId: string, draft: ProductDraft, existing: LockedProduct | undefined, now: Date): Promise<string> {
  const productId = existing?.product.id ?? newId('prod');
  const fields = {
    handle: draft.handle,
    title: draft.title,
    description: draft.description,
    categories: JSON.stringify(draft.categories),
    image_ids: JSON.stringify(draft.imageIds),
    options: JSON.stringify(draft.options),
    status: draft.status,
    from_price: Math.min(...draft.variants.map((variant) => variant.price.amount)),
    currency: draft.variants[0]?.price.currency ?? 'IDR',
    updated_at: now,
  };
  if (existing) await tx.db.updateTable('products').set(fields).where('id', '=', productId).execute();
  // A new product starts "in stock", so one created with nothing available publishes its sold-out flip.
  else
    await tx.db
      .insertInto('products')
      .values({ id: productId, store_id: storeId, sold_out: false, created_at: now, ...fields })
      .execute();

  const old = new Map((existing?.variants ?? []).map((variant) => [variant.sku, variant]));
  const keep = new Set(draft.variants.map((variant) => variant.sku));
  const removed = [...old.values()].filter((variant) => !keep.has(variant.sku)).map((variant) => variant.id);
  if (removed.length > 0) await tx.db.deleteFrom('variants').where('id', 'in', removed).execute();

  for (const [position, variant] of draft.variants.entries()) {
    const values = variantColumns(variant, position, now);
    const before = old.get(variant.sku);
    const row = before
      ? await tx.db.updateTable('variants').set(values).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
      : await tx.db
          .insertInto('variants')
          .values({ id: newId('var'), product_id: productId, store_id: storeId, sku: variant.sku, reserved: 0, created_at: now, ...values })
          .returningAll()
          .executeTakeFirstOrThrow();
    if (!before || availableOf(before) !== availableOf(row)) await publishStockChanged(tx, row);
  }

  await tx.publish({
    type: existing ? eventTypes.inventory.productUpdated : eventTypes.inventory.productCreated,
    subject: productId,
    data: { productId, storeId },
  });
  await refreshSoldOut(tx, [productId]);
  return productId;
}

/** Creates a product in the store. */
export async function createProduct(ctx: InventoryContext, storeId: string, input: Schemas['ProductInput'], now: Date): Promise<Schemas['Product']> {
  const draft = toDraft(input);
  refuseInconsistent(checkConsistency(draft));
  const productId = await writeChecked(ctx.transaction, async (tx) => {
    refuseStoreIssues(await storeIssues(tx.db, storeId, draft, undefined));
    return writeProduct(tx, storeId, draft, undefined, now);
  });
  return getStoreProduct(ctx.db, storeId, productId);
}

/** Changes the fields given; `variants` replaces the list (matched by SKU). */
export async function updateProduct(
  ctx: InventoryContext,
  storeId: string,
  productId: string,
  patch: Schemas['ProductPatch'],
  now: Date,
): Promise<Schemas['Product']> {
  await writeChecked(ctx.transaction, async (tx) => {
    const existing = await lockProduct(tx.db, storeId, { id: productId });
    if (!existing) throw inventoryErrors.INVENTORY_PRODUCT_NOT_FOUND();
    const current = toDraft(toProductInput(existing.product, existing.variants));
    const draft: ProductDraft = {
      ...current,
      ...toDraftPatch(patch),
      status: patch.status ?? existing.product.status,
    };
    refuseInconsistent(checkConsistency(draft));
    refuseStoreIssues(await storeIssues(tx.db, storeId, draft, existing));
    return writeProduct(tx, storeId, draft, existing, now);
  });
  return getStoreProduct(ctx.db, storeId, productId);
}

function toDraftPatch(patch: Schemas['ProductPatch']): Partial<ProductDraft> {
  const out: Partial<ProductDraft> = {};
  if (patch.title !== undefined) out.title = patch.title;
  if (patch.handle !== undefined) out.handle = patch.handle;
  if (patch.description !== undefined) out.description = patch.description;
  if (patch.categories !== undefined) out.categories = patch.categories;
  if (patch.imageIds !== undefined) out.imageIds = patch.imageIds;
  if (patch.options !== undefined) out.options = patch.options;
  if (patch.variants !== undefined) {
    out.variants = patch.variants.map((variant) => ({
      sku: variant.sku,
      title: variant.title ?? null,
      optionValues: variant.optionValues ?? {},
      price: variant.price,
      weight: variant.weight,
      stockOnHand: variant.stockOnHand,
    }));
  }
  return out;
}

/** Takes a product out of the catalogue; archiving an archived product changes nothing. */
export async function archiveProduct(ctx: InventoryContext, storeId: string, productId: string, now: Date): Promise<Schemas['Product']> {
  await ctx.transaction(async (tx) => {
    const archived = await tx.db
      .updateTable('products')
      .set({ status: 'archived', updated_at: now })
      .where('id', '=', productId)
      .where('store_id', '=', storeId)
      .where('status', '!=', 'archived')
      .returning('id')
      .executeTakeFirst();
    if (archived) {
      await tx.publish({ type: eventTypes.inventory.productArchived, subject: productId, data: { productId, storeId } });
    }
  });
  return getStoreProduct(ctx.db, storeId, productId);
}

/** Sets a variant's stock on hand; never below what is reserved. */
export async function setVariantStock(transact: Transact, storeId: string, variantId: string, stockOnHand: number, now: Date): Promise<VariantRow> {
  return transact(async (tx) => {
    const variant = await tx.db.selectFrom('variants').selectAll().where('id', '=', variantId).where('store_id', '=', storeId).forUpdate().executeTakeFirst();
    if (!variant) throw inventoryErrors.INVENTORY_VARIANT_NOT_FOUND();
    if (stockOnHand < variant.reserved) {
      throw inventoryErrors.INVENTORY_STOCK_BELOW_RESERVED(`${variant.reserved} are reserved, so the stock on hand cannot be ${stockOnHand}`);
    }
    const row = await tx.db
      .updateTable('variants')
      .set({ stock_on_hand: stockOnHand, updated_at: now })
      .where('id', '=', variantId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (availableOf(row) !== availableOf(variant)) {
      await publishStockChanged(tx, row);
      await refreshSoldOut(tx, [row.product_id]);
    }
    return row;
  });
}

/** Runs a write, answering a unique violation (a concurrent write of the same handle or SKU) with its code. */
export async function writeChecked<T>(transact: Transact, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await transact(fn);
  } catch (error) {
    if (isUniqueViolation(error, 'products_store_handle_unique')) throw inventoryErrors.INVENTORY_HANDLE_TAKEN();
    if (isUniqueViolation(error, 'variants_store_sku_unique')) throw inventoryErrors.INVENTORY_SKU_TAKEN();
    throw error;
  }
}

function refuseInconsistent(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  throw inventoryErrors.INVENTORY_INVALID_PRODUCT({
    detail: issues.map((issue) => issue.message).join('; '),
    errors: issues.map((issue) => ({ pointer: `#${issue.pointer}`, message: issue.message })),
  });
}

function refuseStoreIssues(issues: StoreIssue[]): void {
  const first = issues[0];
  if (!first) return;
  throw inventoryErrors[first.code]({ detail: first.message, errors: issues.map((issue) => ({ pointer: `#${issue.pointer}`, message: issue.message })) });
}
