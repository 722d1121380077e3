import type { InventoryComponents } from '@tokobapak/sdk';
import { decodeCursor, encodeCursor, isSafeText, type Page, type Placeholders, platformErrors, queryTemplate } from '@tokobapak/server';
import { type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { InventoryDatabase } from './database.js';
import { inventoryErrors } from './errors.js';
import { PRODUCT_COLUMNS, type ProductFields, toProduct, type VariantFields } from './mappers.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;
/** The catalogue's sort orders. */
export type ProductSort = Schemas['ProductSort'];

/** Query parameters of `listProducts`. */
export interface CatalogueQuery {
  q?: string | undefined;
  store?: string | undefined;
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  currency?: string | undefined;
  inStock?: boolean | undefined;
  sort?: ProductSort | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** Where a page ended: the sort it belongs to, the last product's sort key and id. */
type Position = [sort: ProductSort, key: number | string | null, id: string];

interface SortSpec {
  /** The sort key, or null when the id alone orders (newest). */
  key: ((q: string) => RawBuilder<unknown>) | null;
  direction: 'asc' | 'desc';
  keyType: 'number' | 'string' | null;
  /** How the cursor's key is cast to compare with the column (so indexes stay usable). */
  cast: 'float8' | 'bigint' | 'text' | null;
}

const tsquery = (q: string) => sql`websearch_to_tsquery('simple', ${q})`;
// float8: the cursor must carry the exact value, and a real printed as text does not compare equal to itself.
const rank = (q: string) => sql<number>`ts_rank(products.search, ${tsquery(q)})::float8`;
// collate "C": the same order on every database, whatever its default collation.
const titleKey = () => sql<string>`lower(products.title) collate "C"`;

const SORTS: Record<ProductSort, SortSpec> = {
  relevance: { key: rank, direction: 'desc', keyType: 'number', cast: 'float8' },
  newest: { key: null, direction: 'desc', keyType: null, cast: null },
  price_asc: { key: () => sql<number>`products.from_price`, direction: 'asc', keyType: 'number', cast: 'bigint' },
  price_desc: { key: () => sql<number>`products.from_price`, direction: 'desc', keyType: 'number', cast: 'bigint' },
  title: { key: titleKey, direction: 'asc', keyType: 'string', cast: 'text' },
};

/** Only what shoppers may see: active products of stores that are not suspended. */
export function visible<O>(select: SelectQueryBuilder<InventoryDatabase, 'products', O>): SelectQueryBuilder<InventoryDatabase, 'products', O> {
  return select
    .where('products.status', '=', 'active')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('store_status')
            .select('store_status.store_id')
            .whereRef('store_status.store_id', '=', 'products.store_id')
            .where('store_status.suspended', '=', true),
        ),
      ),
    );
}

/** A catalogue row: the product, its timestamps already as ISO text, its variants folded in as JSON. */
type CatalogueRow = ProductFields & { variants: VariantFields[]; sort_key?: number | string };

/** What a catalogue page query binds (each is a placeholder of the compiled shape). */
interface PageValues {
  sort: ProductSort;
  q?: string | undefined;
  store?: string | undefined;
  category?: string | undefined;
  currency?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  soldOut?: boolean | undefined;
  afterKey?: number | string | null | undefined;
  afterId?: string | undefined;
  limit: number;
}

// Timestamps leave PostgreSQL as the API's ISO text: no Date is built and printed again per row.
const isoText = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The product columns a catalogue response needs, timestamps as text. */
function catalogueColumns(db: Db) {
  return visible(db.selectFrom('products'))
    .select(PRODUCT_COLUMNS.filter((column) => column !== 'products.created_at' && column !== 'products.updated_at'))
    .select([isoText('products.created_at').as('created_at'), isoText('products.updated_at').as('updated_at')]);
}

/** The product's variants in position order as one JSON array, so a page is one statement. */
function variantsJson(db: Db, productId: 'page.id' | 'products.id') {
  const variants = db
    .selectFrom('variants as v')
    .select(
      sql<VariantFields[]>`json_agg(json_build_object(
        'id', v.id, 'product_id', v.product_id, 'sku', v.sku, 'title', v.title, 'option_values', v.option_values,
        'price_amount', v.price_amount, 'currency', v.currency, 'weight', v.weight,
        'stock_on_hand', v.stock_on_hand, 'reserved', v.reserved) order by v.position)`.as('variants'),
    )
    .where(sql<SqlBool>`v.product_id = ${sql.ref(productId)}`);
  return sql<VariantFields[]>`coalesce((${variants}), '[]'::json)`;
}

/** Which compiled variant of a page query these values need. */
const pageShape = (v: PageValues) =>
  [
    v.sort,
    v.q === undefined ? '' : 'q',
    v.store === undefined ? '' : 'store',
    v.category === undefined ? '' : 'category',
    v.currency === undefined ? '' : 'currency',
    v.minPrice === undefined ? '' : 'min',
    v.maxPrice === undefined ? '' : 'max',
    v.soldOut === undefined ? '' : 'stock',
    v.afterId === undefined ? '' : 'after',
    v.limit,
  ].join(',');

type CatalogueSelect = ReturnType<typeof catalogueColumns>;

/** The shopper's filters other than the search words. */
function withFilters(select: CatalogueSelect, p: Placeholders<PageValues>, v: PageValues): CatalogueSelect {
  if (v.store !== undefined) select = select.where('products.store_id', '=', p.store);
  if (v.category !== undefined) {
    // Through product_categories (migration 0004), so a category page is an index range, not a filtered walk.
    select = select.innerJoin('product_categories as pc', 'pc.product_id', 'products.id').where('pc.category', '=', p.category) as unknown as CatalogueSelect;
  }
  if (v.currency !== undefined) select = select.where('products.currency', '=', p.currency);
  if (v.minPrice !== undefined) select = select.where('products.from_price', '>=', p.minPrice);
  if (v.maxPrice !== undefined) select = select.where('products.from_price', '<=', p.maxPrice);
  if (v.soldOut !== undefined) select = select.where('products.sold_out', '=', p.soldOut);
  return select;
}

/** Limits the ordered page, then folds the variants in, so only the page's products pay for them. */
function foldVariants(db: Db, select: CatalogueSelect, limit: number, orderBy: Array<[RawBuilder<unknown>, 'asc' | 'desc']>) {
  for (const [expression, direction] of orderBy) select = select.orderBy(expression, direction);
  // A literal, not a parameter: under `LIMIT $n` a generic plan assumes a tenth of the table comes
  // back and PostgreSQL keeps planning every run; with the literal it settles on one plan (a shape
  // per page size, and storefronts use few).
  const page = select.limit(sql.lit(limit)).as('page');
  let outer = db.selectFrom(page).selectAll('page').select(variantsJson(db, 'page.id').as('variants'));
  // The outer order repeats the inner one on the page's own columns: a subquery's order is not kept by SQL.
  if (orderBy.length === 2) outer = outer.orderBy(sql`page.sort_key`, orderBy[0]?.[1]);
  return outer.orderBy(sql`page.id`, orderBy[orderBy.length - 1]?.[1]);
}

/**
 * A generic plan guesses a price range keeps 0.5% of the products and then hash-joins the whole
 * range (4.5 ms against 0.5 ms measured): shapes with a price range are planned on every run.
 */
const preparable = (v: PageValues) => v.minPrice === undefined && v.maxPrice === undefined;

const pageQuery = queryTemplate<InventoryDatabase, PageValues, CatalogueRow>({
  name: 'catalogue_page',
  shape: pageShape,
  prepare: preparable,
  build: (db, p, v) => {
    const spec = SORTS[v.sort];
    const key = spec.key?.(p.q);
    let select = withFilters(catalogueColumns(db), p, v);
    if (key) select = select.select(key.as('sort_key') as never);
    if (v.q !== undefined) select = select.where(sql<SqlBool>`products.search @@ ${tsquery(p.q)}`);
    if (v.afterId !== undefined) {
      const comparator = spec.direction === 'asc' ? sql.raw('>') : sql.raw('<');
      if (key) {
        const afterKey = p.afterKey as unknown;
        const typed = spec.cast === 'text' ? sql`${afterKey}::text collate "C"` : spec.cast === 'bigint' ? sql`${afterKey}::bigint` : sql`${afterKey}::float8`;
        select = select.where(sql<SqlBool>`(${key}, products.id) ${comparator} (${typed}, ${p.afterId})`);
      } else {
        select = select.where(sql<SqlBool>`products.id ${comparator} ${p.afterId}`);
      }
    }
    const id = sql`products.id`;
    return foldVariants(
      db,
      select,
      v.limit,
      key
        ? [
            [sql`sort_key`, spec.direction],
            [id, spec.direction],
          ]
        : [[id, spec.direction]],
    ) as never;
  },
});

/**
 * A relevance page for a one-word search, read in order from `product_search_terms` (migration
 * 0003): the same products, ranks and cursor as `pageQuery`, without ranking every match. The
 * query's lexeme is taken from PostgreSQL's own parse of `q`, and only when that parse is a single
 * operand; otherwise the lexeme is null and the page comes back empty.
 */
const oneWordPageQuery = queryTemplate<InventoryDatabase, PageValues, CatalogueRow>({
  name: 'catalogue_one_word_page',
  shape: pageShape,
  prepare: preparable,
  build: (db, p, v) => {
    let select = withFilters(catalogueColumns(db), p, v)
      .innerJoin('product_search_terms as t', 't.product_id', 'products.id')
      .select(sql<number>`t.rank`.as('sort_key') as never)
      .where(
        sql<SqlBool>`t.lexeme = (select (tsvector_to_array(query::text::tsvector))[1] from ${tsquery(p.q)} query where numnode(query) = 1)`,
      ) as unknown as CatalogueSelect;
    if (v.afterId !== undefined) select = select.where(sql<SqlBool>`(t.rank, t.product_id) < (${p.afterKey as unknown}::float8, ${p.afterId})`);
    return foldVariants(db, select, v.limit, [
      [sql`t.rank`, 'desc'],
      [sql`t.product_id`, 'desc'],
    ]) as never;
  },
});

// Letters and digits only: PostgreSQL parses such a q into one word (checked again in SQL).
const ONE_WORD = /^[\p{L}\p{N}]+$/u;

/** Runs the one-word path when it can apply and falls back to ranking every match when it finds nothing. */
async function readPage(db: Db, values: PageValues): Promise<CatalogueRow[]> {
  if (values.sort === 'relevance' && values.q !== undefined && ONE_WORD.test(values.q)) {
    const rows = await oneWordPageQuery.execute(db, values);
    if (rows.length > 0) return rows;
  }
  return pageQuery.execute(db, values);
}

/**
 * One page of the public catalogue. Keyset pagination on (sort key, id): the cursor holds both,
 * and the next page starts strictly after them, so products added meanwhile never make one repeat
 * or be skipped. One statement per page, compiled once per combination of filters.
 */
export async function listProducts(db: Db, query: CatalogueQuery): Promise<Page<Schemas['Product']>> {
  const limit = query.limit ?? 20;
  const q = query.q?.trim() || undefined;
  const sort: ProductSort = query.sort ?? (q ? 'relevance' : 'newest');
  if (sort === 'relevance' && !q) throw inventoryErrors.INVENTORY_QUERY_REQUIRED('Pass q, or sort by newest, price_asc, price_desc or title');
  if ((query.minPrice !== undefined || query.maxPrice !== undefined) && !query.currency) {
    throw inventoryErrors.INVENTORY_CURRENCY_REQUIRED('minPrice and maxPrice are amounts in minor units of a currency: pass currency too');
  }
  const spec = SORTS[sort];
  const after = parsePosition(query.cursor, sort, spec);
  const rows = await readPage(db, {
    sort,
    q,
    store: query.store,
    category: query.category,
    currency: query.currency,
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    soldOut: query.inStock === undefined ? undefined : !query.inStock,
    afterKey: after?.[1],
    afterId: after?.[2],
    limit: limit + 1,
  });

  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const position: Position | undefined = last ? [sort, last.sort_key === undefined ? null : normalizeKey(last.sort_key, spec), last.id] : undefined;
  return {
    items: pageRows.map((row) => toProduct(row, row.variants)),
    nextCursor: hasMore && position ? encodeCursor(JSON.stringify(position)) : null,
  };
}

const productById = queryTemplate<InventoryDatabase, { id: string }, CatalogueRow>({
  name: 'catalogue_product_id',
  build: (db, p) => catalogueColumns(db).select(variantsJson(db, 'products.id').as('variants')).where('products.id', '=', p.id) as never,
});

const productByHandle = queryTemplate<InventoryDatabase, { storeId: string; handle: string }, CatalogueRow>({
  name: 'catalogue_product_handle',
  build: (db, p) =>
    catalogueColumns(db)
      .select(variantsJson(db, 'products.id').as('variants'))
      .where('products.store_id', '=', p.storeId)
      .where('products.handle', '=', p.handle) as never,
});

/** A product of the catalogue by id or by store and handle; anything hidden is reported like a missing one. */
export async function getCatalogueProduct(db: Db, where: { id: string } | { storeId: string; handle: string }): Promise<Schemas['Product']> {
  const [row] = 'id' in where ? await productById.execute(db, where) : await productByHandle.execute(db, where);
  if (!row) throw inventoryErrors.INVENTORY_PRODUCT_NOT_FOUND();
  return toProduct(row, row.variants);
}

function normalizeKey(value: number | string, spec: SortSpec): number | string {
  // node-postgres reads bigint as text; PGlite as a number. The cursor keeps a number either way.
  return spec.keyType === 'number' ? Number(value) : String(value);
}

/** Whether a cursor's key is one the sort's column cast can hold: a price is a bigint, a rank a finite float, a title text. */
function isKeyOf(key: unknown, spec: SortSpec): boolean {
  switch (spec.cast) {
    case null:
      return key === null;
    case 'bigint':
      // Safe integers: every price fits, and nothing the cast to bigint would refuse.
      return Number.isSafeInteger(key);
    case 'float8':
      return Number.isFinite(key);
    case 'text':
      return typeof key === 'string' && isSafeText(key);
  }
}

function parsePosition(cursor: string | undefined, sort: ProductSort, spec: SortSpec): Position | undefined {
  const raw = decodeCursor(cursor);
  if (raw === undefined) return undefined;
  let position: unknown;
  try {
    position = JSON.parse(raw);
  } catch {
    position = undefined;
  }
  const valid =
    Array.isArray(position) &&
    position.length === 3 &&
    position[0] === sort &&
    typeof position[2] === 'string' &&
    /^prod_[0-9a-z]{26}$/.test(position[2]) &&
    isKeyOf(position[1], spec);
  if (!valid) {
    throw platformErrors.BAD_REQUEST({
      detail: 'The cursor is not valid for this listing',
      errors: [{ pointer: '#query/cursor', message: 'is not a cursor of this listing (sort and filters must stay the same)' }],
    });
  }
  return position as Position;
}
