import type { InventoryComponents } from '@tokobapak/sdk';
import { decodeCursor, encodeCursor, type Page, platformErrors } from '@tokobapak/server';
import { type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { InventoryDatabase } from './database.js';
import { inventoryErrors } from './errors.js';
import { PRODUCT_COLUMNS, type ProductRow } from './mappers.js';
import { withVariants } from './products.js';

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

/**
 * One page of the public catalogue. Keyset pagination on (sort key, id): the cursor holds both,
 * and the next page starts strictly after them, so products added meanwhile never make one repeat
 * or be skipped. Variants come with one more query for the whole page.
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
  const key = spec.key?.(q ?? '');
  const after = parsePosition(query.cursor, sort, spec);

  let select = visible(db.selectFrom('products').select(PRODUCT_COLUMNS));
  if (key) select = select.select(key.as('sort_key') as never);
  if (q) select = select.where(sql<SqlBool>`products.search @@ ${tsquery(q)}`);
  if (query.store) select = select.where('products.store_id', '=', query.store);
  if (query.category) select = select.where(sql<SqlBool>`products.categories @> ${JSON.stringify([query.category])}::jsonb`);
  if (query.currency) select = select.where('products.currency', '=', query.currency);
  if (query.minPrice !== undefined) select = select.where('products.from_price', '>=', query.minPrice);
  if (query.maxPrice !== undefined) select = select.where('products.from_price', '<=', query.maxPrice);
  if (query.inStock !== undefined) select = select.where('products.sold_out', '=', !query.inStock);
  if (after) {
    const comparator = spec.direction === 'asc' ? sql.raw('>') : sql.raw('<');
    const [, afterKey, afterId] = after;
    if (key) {
      const typed = spec.cast === 'text' ? sql`${afterKey}::text collate "C"` : spec.cast === 'bigint' ? sql`${afterKey}::bigint` : sql`${afterKey}::float8`;
      select = select.where(sql<SqlBool>`(${key}, products.id) ${comparator} (${typed}, ${afterId})`);
    } else {
      select = select.where(sql<SqlBool>`products.id ${comparator} ${afterId}`);
    }
  }
  if (key) select = select.orderBy(sql`sort_key`, spec.direction);
  const rows = (await select
    .orderBy('products.id', spec.direction)
    .limit(limit + 1)
    .execute()) as Array<ProductRow & { sort_key?: number | string }>;

  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const position: Position | undefined = last ? [sort, last.sort_key === undefined ? null : normalizeKey(last.sort_key, spec), last.id] : undefined;
  return { items: await withVariants(db, pageRows), nextCursor: hasMore && position ? encodeCursor(JSON.stringify(position)) : null };
}

/** A product of the catalogue by id or by store and handle; anything hidden is reported like a missing one. */
export async function getCatalogueProduct(db: Db, where: { id: string } | { storeId: string; handle: string }): Promise<Schemas['Product']> {
  let select = visible(db.selectFrom('products').select(PRODUCT_COLUMNS));
  select =
    'id' in where
      ? select.where('products.id', '=', where.id)
      : select.where('products.store_id', '=', where.storeId).where('products.handle', '=', where.handle);
  const row = await select.executeTakeFirst();
  if (!row) throw inventoryErrors.INVENTORY_PRODUCT_NOT_FOUND();
  const [product] = await withVariants(db, [row]);
  return product as Schemas['Product'];
}

function normalizeKey(value: number | string, spec: SortSpec): number | string {
  // node-postgres reads bigint as text; PGlite as a number. The cursor keeps a number either way.
  return spec.keyType === 'number' ? Number(value) : String(value);
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
    (spec.keyType === null ? position[1] === null : typeof position[1] === spec.keyType);
  if (!valid) {
    throw platformErrors.BAD_REQUEST({
      detail: 'The cursor is not valid for this listing',
      errors: [{ pointer: '#query/cursor', message: 'is not a cursor of this listing (sort and filters must stay the same)' }],
    });
  }
  return position as Position;
}
