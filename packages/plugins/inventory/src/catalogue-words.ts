import { queryTemplate } from '@tokobapak/server';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  type CatalogueRow,
  type CatalogueSelect,
  catalogueColumns,
  type Db,
  type PageValues,
  pageOf,
  pageShape,
  preparable,
  withFilters,
} from './catalogue-query.js';
import type { InventoryDatabase } from './database.js';

/**
 * Relevance pages for searches of several plain words (`q=kopi gayo`), whose cost follows the page
 * rather than the number of matches.
 *
 * Ranking: the sum, over the query's words, of each word's own `ts_rank` — the rank a one-word
 * search for that word gives the product, kept per (product, lexeme) in `product_search_terms`.
 * (PostgreSQL's `ts_rank` of an AND query also weighs how close the words stand; that cannot be
 * read from an index, so it is not used for these queries.)
 *
 * A word's rank is at least 1/1.64493 (`ts_rank` of one title occurrence) when the word is in the
 * title (weight A), and below that when it is not. So the best matches are the products whose title
 * holds every word, and those are found by intersecting the title index (migration 0005) instead of
 * ranking every product that mentions the words anywhere. One statement reads that tier, ranks it,
 * and checks it is enough: any product outside it misses the title for some word `i`, so its rank is
 * at most `below(i) + Σ top(j ≠ i)` (`top`: the word's best rank, `below`: its best rank without a
 * title occurrence; both one index probe). When the page's last product ranks strictly above the
 * largest such bound, no product outside the tier can come before it: the page is exact. Otherwise
 * (too few titles hold every word, a page deep in the results, selective filters) the page ranks
 * every match with the same ranking (`wordsRank`), so pages and cursors agree whichever path runs.
 */

const wordsOf = (q: string) => q.split(/\s+/u).filter(Boolean);

/** Several words of letters and digits, none of them `or` (an operator for `websearch_to_tsquery`); checked again in SQL. */
export function isPlainWords(q: string): boolean {
  const words = wordsOf(q);
  return words.length > 1 && words.every((word) => /^[\p{L}\p{N}]+$/u.test(word) && word.toLowerCase() !== 'or');
}

/**
 * Up to this many words, the title tier's rank is written out as one `ts_rank` term per word (a
 * statement per word count); longer searches sum over the words in a subquery, which PostgreSQL
 * runs once per product of the tier (about a tenth of the statement's time at two words).
 */
const SPELLED_OUT_WORDS = 8;
const spelledOut = (v: PageValues) => {
  const count = v.q === undefined ? 0 : wordsOf(v.q).length;
  return count <= SPELLED_OUT_WORDS ? count : undefined;
};

/**
 * The title tier's rank: the same float8 sum as {@link wordsRank}, in the same order (`sum` adds
 * left to right from the first word, as `a + b + c` does), so pages and cursors agree with it.
 */
function tierRank(words: number | undefined): RawBuilder<number> {
  if (words === undefined) return sql<number>`(select sum(ts_rank(products.search, one)::float8) from words, unnest(words.queries) one)`;
  const terms = Array.from({ length: words }, (_, i) => sql`ts_rank(products.search, (select queries[${sql.lit(i + 1)}] from words))::float8`);
  return sql<number>`(${sql.join(terms, sql` + `)})`;
}

const lexemes = (q: unknown) => sql`tsvector_to_array(to_tsvector('simple', ${q}))`;

/**
 * The multi-word relevance of `products`: the sum of each word's one-word rank (exact in float8, so
 * the order of the terms does not matter). The words' one-lexeme queries are an uncorrelated
 * subquery, so PostgreSQL makes them once per statement, not once per product.
 */
export function wordsRank(q: unknown): RawBuilder<number> {
  const queries = sql`(select array_agg(inventory.lexeme_query(l)) from unnest(${lexemes(q)}) l)`;
  return sql<number>`(select sum(ts_rank(products.search, query)::float8) from unnest(${queries}) query)`;
}

/** `ts_rank` of a single title occurrence: the least rank of a word that is in the title. */
const TITLE_RANK = sql`ts_rank('x:1A'::tsvector, 'x'::tsquery)::float8`;

type WordsRow = { state: 'page' | 'deeper' | 'other' } & Partial<CatalogueRow>;

const titleTierQuery = queryTemplate<InventoryDatabase, PageValues, WordsRow>({
  name: 'catalogue_words_page',
  shape: (v) => `${pageShape(v)},${spelledOut(v) ?? 'n'}`,
  prepare: preparable,
  build: (db, p, v) => {
    const words = spelledOut(v);
    // The parsed query reaches the plan only through the `words` CTE, so the plan cannot depend on
    // its value: PostgreSQL settles on one generic plan for the prepared statement instead of
    // planning this statement on every request.
    const tier = withFilters(catalogueColumns(db), p, v)
      .select(tierRank(words).as('sort_key'))
      .where(sql<SqlBool>`to_tsvector('simple', products.title) @@ (select query from words)`);
    let select = db.selectFrom(tier.as('products')).selectAll('products') as unknown as CatalogueSelect;
    if (v.afterId !== undefined) select = select.where(sql<SqlBool>`(products.sort_key, products.id) < (${p.afterKey as unknown}::float8, ${p.afterId})`);
    const page = pageOf(db, select, v.limit, [
      [sql`products.sort_key`, 'desc'],
      [sql`products.id`, 'desc'],
    ]);
    const limit = sql.lit(v.limit);
    const statement = sql<WordsRow>`
      with words as materialized (
        select query, lexemes, (select array_agg(inventory.lexeme_query(l)) from unnest(lexemes) l) as queries
        from (select websearch_to_tsquery('simple', ${p.q}) as query, ${lexemes(p.q)} as lexemes) parsed
        -- a plain AND of distinct words, as isPlainWords promised
        where cardinality(lexemes) > 1 and numnode(query) = 2 * cardinality(lexemes) - 1 and query::text !~ '[|!<]'
      ),
      ranks as materialized (
        select
          (select t.rank from inventory.product_search_terms t where t.lexeme = l order by t.rank desc, t.product_id desc limit 1) as top,
          (select t.rank from inventory.product_search_terms t where t.lexeme = l and t.rank < ${TITLE_RANK}
            order by t.rank desc, t.product_id desc limit 1) as below
        from words, unnest(words.lexemes) l
      ),
      bound as (select bool_or(top is null) as unmatched, max(below - top) + sum(top) as rank from ranks),
      page as materialized (${page}),
      verdict as (
        select case
          when not exists (select 1 from words) then 'other'
          -- a rank spelled out for another number of words than PostgreSQL found: rank every match instead
          when ${words === undefined ? sql`false` : sql`(select cardinality(lexemes) from words) <> ${sql.lit(words)}`} then 'deeper'
          when bound.unmatched or bound.rank is null then 'page'
          when (select count(*) from page) = ${limit} and (select min(sort_key) from page) > bound.rank then 'page'
          else 'deeper'
        end as state
        from bound
      )
      select verdict.state, page.id, page.sort_key, page.item
      from verdict left join page on verdict.state = 'page'
      order by page.sort_key desc, page.id desc`;
    return { compile: () => statement.compile(db) };
  },
});

/**
 * The page from the title tier: its rows when they are provably the page, `undefined` when the
 * page must rank every match (`wordsRank`), `'other'` when PostgreSQL does not read `q` as plain words.
 */
export async function readWordsPage(db: Db, values: PageValues): Promise<CatalogueRow[] | undefined | 'other'> {
  const rows = await titleTierQuery.execute(db, values);
  const state = rows[0]?.state;
  if (state === 'other') return 'other';
  if (state !== 'page') return undefined;
  return rows.filter((row): row is WordsRow & CatalogueRow => row.id !== null && row.id !== undefined);
}
