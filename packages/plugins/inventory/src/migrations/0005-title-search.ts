import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The words of each product's title, for multi-word searches. The best matches of a search for
 * several words are the products whose title holds every one of them (see catalogue-words.ts): this
 * index finds those by intersecting the words' title posting lists, without reading every product
 * that mentions the words anywhere. The same parser and configuration as the title part of
 * `products.search`, so its lexemes are exactly that vector's weight-A lexemes.
 */
export const titleSearch: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.createIndex('products_title_search').on('products').using('gin').expression(sql`to_tsvector('simple', title)`).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('products_title_search').execute();
  },
};
