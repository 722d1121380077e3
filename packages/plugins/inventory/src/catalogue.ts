import type { InventoryComponents } from '@tokobapak/sdk';
import { decodeCursor, encodeCursor, isSafeText, platformErrors, queryTemplate, type SerializedJson, serializedJson } from '@tokobapak/server';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { productJson } from './catalogue-json.js';
import {
  type CatalogueRow,
  type CatalogueSelect,
  catalogueColumns,
  type Db,
  type PageValues,
  pageOf,
  pageShape,
  preparable,
  visible,
  withFilters,
} from './catalogue-query.js';
import { isPlainWords, readWordsPage, wordsRank } from './catalogue-words.js';
import type { InventoryDatabase } from './database.js';
import { inventoryErrors } from './errors.js';

type Schemas = InventoryComponents['schemas'];
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

const pageQuery = queryTemplate<InventoryDatabase, PageValues, CatalogueRow>({
  name: 'catalogue_page',
  shape: pageShape,
  prepare: preparable,
  build: (db, p, v) => {
    const spec = SORTS[v.sort];
    const key = v.words ? wordsRank(p.q) : spec.key?.(p.q);
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
    return pageOf(
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
    return pageOf(db, select, v.limit, [
      [sql`t.rank`, 'desc'],
      [sql`t.product_id`, 'desc'],
    ]) as never;
  },
});

// Letters and digits only: PostgreSQL parses such a q into one word (checked again in SQL).
const ONE_WORD = /^[\p{L}\p{N}]+$/u;

/**
 * Runs the one-word path when it can apply and falls back to ranking every match when it finds
 * nothing; several plain words go through catalogue-words.ts, which falls back the same way.
 */
async function readPage(db: Db, values: PageValues): Promise<CatalogueRow[]> {
  if (values.sort === 'relevance' && values.q !== undefined && ONE_WORD.test(values.q)) {
    const rows = await oneWordPageQuery.execute(db, values);
    if (rows.length > 0) return rows;
  }
  if (values.sort === 'relevance' && values.q !== undefined && isPlainWords(values.q)) {
    const page = await readWordsPage(db, values);
    if (page !== 'other') return page ?? pageQuery.execute(db, { ...values, words: true });
  }
  return pageQuery.execute(db, values);
}

/**
 * One page of the public catalogue. Keyset pagination on (sort key, id): the cursor holds both,
 * and the next page starts strictly after them, so products added meanwhile never make one repeat
 * or be skipped. One statement per page, compiled once per combination of filters.
 */
export async function listProducts(db: Db, query: CatalogueQuery): Promise<SerializedJson<Schemas['ProductPage']>> {
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
  const nextCursor = hasMore && position ? encodeCursor(JSON.stringify(position)) : null;
  // The items are PostgreSQL's JSON of the Product schema (catalogue-json.ts); only the envelope is made here.
  return serializedJson(`{"items":[${pageRows.map((row) => row.item).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
}

type ProductRowJson = Pick<CatalogueRow, 'item'>;

const productById = queryTemplate<InventoryDatabase, { id: string }, ProductRowJson>({
  name: 'catalogue_product_id',
  build: (db, p) => visible(db.selectFrom('products')).select(productJson(db, 'products').as('item')).where('products.id', '=', p.id),
});

const productByHandle = queryTemplate<InventoryDatabase, { storeId: string; handle: string }, ProductRowJson>({
  name: 'catalogue_product_handle',
  build: (db, p) =>
    visible(db.selectFrom('products'))
      .select(productJson(db, 'products').as('item'))
      .where('products.store_id', '=', p.storeId)
      .where('products.handle', '=', p.handle),
});

/** A product of the catalogue by id or by store and handle; anything hidden is reported like a missing one. */
export async function getCatalogueProduct(db: Db, where: { id: string } | { storeId: string; handle: string }): Promise<SerializedJson<Schemas['Product']>> {
  const [row] = 'id' in where ? await productById.execute(db, where) : await productByHandle.execute(db, where);
  if (!row) throw inventoryErrors.INVENTORY_PRODUCT_NOT_FOUND();
  return serializedJson(row.item);
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
