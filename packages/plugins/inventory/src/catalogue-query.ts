import type { Placeholders } from '@tokobapak/server';
import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { ProductSort } from './catalogue.js';
import { productJson } from './catalogue-json.js';
import type { InventoryDatabase } from './database.js';
import { PRODUCT_COLUMNS } from './mappers.js';

/** The pieces every catalogue page query is built from: visibility, filters, the page and its JSON. */

/** The inventory plugin's database handle. */
export type Db = Kysely<InventoryDatabase>;

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

/** A catalogue row: the product's id, its sort key, and the product as the API's JSON text. */
export interface CatalogueRow {
  id: string;
  sort_key?: number | string;
  item: string;
}

/** What a catalogue page query binds (each is a placeholder of the compiled shape). */
export interface PageValues {
  sort: ProductSort;
  q?: string | undefined;
  /** `q` is several plain words: relevance is the sum of each word's own rank (see catalogue-words.ts). */
  words?: boolean | undefined;
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

/** The visible products' columns a catalogue response is made of. */
export function catalogueColumns(db: Db) {
  return visible(db.selectFrom('products')).select(PRODUCT_COLUMNS);
}

/** Which compiled variant of a page query these values need. */
export const pageShape = (v: PageValues) =>
  [
    v.sort,
    v.q === undefined ? '' : v.words ? 'words' : 'q',
    v.store === undefined ? '' : 'store',
    v.category === undefined ? '' : 'category',
    v.currency === undefined ? '' : 'currency',
    v.minPrice === undefined ? '' : 'min',
    v.maxPrice === undefined ? '' : 'max',
    v.soldOut === undefined ? '' : 'stock',
    v.afterId === undefined ? '' : 'after',
    v.limit,
  ].join(',');

export type CatalogueSelect = ReturnType<typeof catalogueColumns>;

/** The shopper's filters other than the search words. */
export function withFilters(select: CatalogueSelect, p: Placeholders<PageValues>, v: PageValues): CatalogueSelect {
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

/**
 * Limits the ordered page, then makes each product's JSON (variants folded in), so only the page's
 * products pay for it. Rows: id, sort key, the product as JSON text.
 */
export function pageOf(db: Db, select: CatalogueSelect, limit: number, orderBy: Array<[RawBuilder<unknown>, 'asc' | 'desc']>) {
  for (const [expression, direction] of orderBy) select = select.orderBy(expression, direction);
  // A literal, not a parameter: under `LIMIT $n` a generic plan assumes a tenth of the table comes
  // back and PostgreSQL keeps planning every run; with the literal it settles on one plan (a shape
  // per page size, and storefronts use few).
  const page = select.limit(sql.lit(limit)).as('page');
  const keyed = orderBy.length === 2;
  let outer = db
    .selectFrom(page)
    .select([sql<string>`page.id`.as('id'), productJson(db, 'page').as('item')])
    .$if(keyed, (query) => query.select(sql`page.sort_key`.as('sort_key')));
  // The outer order repeats the inner one on the page's own columns: a subquery's order is not kept by SQL.
  if (keyed) outer = outer.orderBy(sql`page.sort_key`, orderBy[0]?.[1]);
  return outer.orderBy(sql`page.id`, orderBy[orderBy.length - 1]?.[1]);
}

/**
 * A generic plan guesses a price range keeps 0.5% of the products and then hash-joins the whole
 * range (4.5 ms against 0.5 ms measured): shapes with a price range are planned on every run.
 */
export const preparable = (v: PageValues) => v.minPrice === undefined && v.maxPrice === undefined;
