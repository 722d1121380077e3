import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A relevance index for one-word searches. `ts_rank` of a one-lexeme query depends only on that
 * lexeme's positions and weights in the product's vector, so it can be computed when the product is
 * written: a search for one word then reads its best matches in order from an index range instead
 * of matching and ranking every product that contains the word. Kept in step by triggers, so every
 * write path (handlers, imports, SQL by hand) maintains it. See docs/performance-catalogue.md.
 */
export const searchTerms: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('product_search_terms')
      .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
      .addColumn('lexeme', 'text', (c) => c.notNull())
      // Exactly `ts_rank(search, <the lexeme as a query>)::float8`, the catalogue's relevance key.
      .addColumn('rank', 'float8', (c) => c.notNull())
      .addPrimaryKeyConstraint('product_search_terms_pkey', ['product_id', 'lexeme'])
      .execute();
    // The order of a relevance page: best rank first, then newest id (ids sort by creation time).
    await db.schema.createIndex('product_search_terms_rank').on('product_search_terms').expression(sql`lexeme, rank desc, product_id desc`).execute();

    // The lexeme as a one-operand tsquery, quoted so nothing in it is read as an operator.
    await sql`
      create function inventory.lexeme_query(lexeme text) returns tsquery
      language sql immutable strict parallel safe
      return ('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery
    `.execute(db);
    // Inserts come in bulk (imports): one statement-level trigger over the transition table.
    await sql`
      create function inventory.product_search_terms_insert() returns trigger
      language plpgsql as $$
      begin
        insert into inventory.product_search_terms (product_id, lexeme, rank)
        select n.id, t.lexeme, ts_rank(n.search, inventory.lexeme_query(t.lexeme))::float8
        from new_products n, unnest(n.search) t;
        return null;
      end $$
    `.execute(db);
    await sql`
      create trigger product_search_terms_insert after insert on inventory.products
      referencing new table as new_products
      for each statement execute function inventory.product_search_terms_insert()
    `.execute(db);
    // Updates are mostly stock flags: only a changed vector rewrites the product's terms.
    await sql`
      create function inventory.product_search_terms_update() returns trigger
      language plpgsql as $$
      begin
        delete from inventory.product_search_terms where product_id = new.id;
        insert into inventory.product_search_terms (product_id, lexeme, rank)
        select new.id, t.lexeme, ts_rank(new.search, inventory.lexeme_query(t.lexeme))::float8
        from unnest(new.search) t;
        return null;
      end $$
    `.execute(db);
    await sql`
      create trigger product_search_terms_update after update of title, description, categories on inventory.products
      for each row when (old.search is distinct from new.search)
      execute function inventory.product_search_terms_update()
    `.execute(db);
    // Products written before this migration.
    await sql`
      insert into inventory.product_search_terms (product_id, lexeme, rank)
      select p.id, t.lexeme, ts_rank(p.search, inventory.lexeme_query(t.lexeme))::float8
      from inventory.products p, unnest(p.search) t
    `.execute(db);
  },
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async down(db: Kysely<any>) {
    await sql`drop trigger if exists product_search_terms_update on inventory.products`.execute(db);
    await sql`drop trigger if exists product_search_terms_insert on inventory.products`.execute(db);
    await sql`drop function if exists inventory.product_search_terms_update()`.execute(db);
    await sql`drop function if exists inventory.product_search_terms_insert()`.execute(db);
    await db.schema.dropTable('product_search_terms').execute();
    await sql`drop function if exists inventory.lexeme_query(text)`.execute(db);
  },
};
