import { type Kysely, type Migration, sql } from 'kysely';

/**
 * One row per (category, product), so a category page is an ordered index range: the JSONB
 * containment test on `products.categories` cannot be ordered, and under a LIMIT the planner walks
 * the whole newest-first primary key filtering by it instead. Kept in step by triggers, like
 * `product_search_terms`; `products.categories` stays the source of truth.
 */
export const productCategories: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('product_categories')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('product_categories_pkey', ['category', 'product_id'])
      .execute();
    await db.schema.createIndex('product_categories_product').on('product_categories').column('product_id').execute();

    await sql`
      create function inventory.product_categories_insert() returns trigger
      language plpgsql as $$
      begin
        insert into inventory.product_categories (category, product_id)
        select distinct c.category, n.id from new_products n, jsonb_array_elements_text(n.categories) c(category);
        return null;
      end $$
    `.execute(db);
    await sql`
      create trigger product_categories_insert after insert on inventory.products
      referencing new table as new_products
      for each statement execute function inventory.product_categories_insert()
    `.execute(db);
    await sql`
      create function inventory.product_categories_update() returns trigger
      language plpgsql as $$
      begin
        delete from inventory.product_categories where product_id = new.id;
        insert into inventory.product_categories (category, product_id)
        select distinct c.category, new.id from jsonb_array_elements_text(new.categories) c(category);
        return null;
      end $$
    `.execute(db);
    await sql`
      create trigger product_categories_update after update of categories on inventory.products
      for each row when (old.categories is distinct from new.categories)
      execute function inventory.product_categories_update()
    `.execute(db);
    await sql`
      insert into inventory.product_categories (category, product_id)
      select distinct c.category, p.id from inventory.products p, jsonb_array_elements_text(p.categories) c(category)
    `.execute(db);
  },
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async down(db: Kysely<any>) {
    await sql`drop trigger if exists product_categories_update on inventory.products`.execute(db);
    await sql`drop trigger if exists product_categories_insert on inventory.products`.execute(db);
    await sql`drop function if exists inventory.product_categories_update()`.execute(db);
    await sql`drop function if exists inventory.product_categories_insert()`.execute(db);
    await db.schema.dropTable('product_categories').execute();
  },
};
