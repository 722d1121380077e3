import { type Kysely, type Migration, sql } from 'kysely';

/** Products, variants, reservations and the store status the merchant service reports. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    const now = sql`now()`;
    await db.schema
      .createTable('products')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('handle', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('categories', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('image_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'active', 'archived')`))
      .addColumn('sold_out', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('from_price', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      // Title weighs most, then categories, then the description. Every function here is immutable,
      // as a generated column needs (jsonb_to_tsvector rather than array_to_string).
      .addColumn('search', sql`tsvector`, (c) =>
        c
          .generatedAlwaysAs(
            sql`setweight(to_tsvector('simple', title), 'A') || setweight(jsonb_to_tsvector('simple', categories, '["string"]'), 'B') || setweight(to_tsvector('simple', coalesce(description, '')), 'C')`,
          )
          .stored(),
      )
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    // Named, so a concurrent create with the same handle can be told from other conflicts.
    await db.schema.createIndex('products_store_handle_unique').on('products').columns(['store_id', 'handle']).unique().execute();
    await db.schema.createIndex('products_store').on('products').columns(['store_id', 'id']).execute();
    await db.schema.createIndex('products_search').on('products').using('gin').column('search').execute();
    await db.schema.createIndex('products_categories').on('products').using('gin').expression(sql`categories jsonb_path_ops`).execute();
    // The catalogue's sorts (newest uses the primary key): keyset pages walk these indexes.
    const active = sql.ref('status');
    await db.schema.createIndex('products_active_price').on('products').columns(['from_price', 'id']).where(active, '=', 'active').execute();
    await db.schema.createIndex('products_active_title').on('products').expression(sql`lower(title) collate "C", id`).where(active, '=', 'active').execute();

    await db.schema
      .createTable('variants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('option_values', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('price_amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('weight', 'integer', (c) => c.notNull())
      .addColumn('stock_on_hand', 'integer', (c) => c.notNull().check(sql`stock_on_hand >= 0`))
      // The last line of defence: whatever the code does, reservations never exceed the stock.
      .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0).check(sql`reserved >= 0 and reserved <= stock_on_hand`))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('variants_store_sku_unique').on('variants').columns(['store_id', 'sku']).unique().execute();
    await db.schema.createIndex('variants_product').on('variants').columns(['product_id', 'position']).execute();

    await db.schema
      .createTable('reservations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'committed', 'released', 'expired')`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('reservations_active_expiry').on('reservations').column('expires_at').where(sql.ref('status'), '=', 'active').execute();
    await db.schema
      .createTable('reservation_items')
      .addColumn('reservation_id', 'text', (c) => c.notNull().references('reservations.id').onDelete('cascade'))
      .addColumn('variant_id', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
      .addPrimaryKeyConstraint('reservation_items_pk', ['reservation_id', 'variant_id'])
      .execute();

    await db.schema
      .createTable('store_status')
      .addColumn('store_id', 'text', (c) => c.primaryKey())
      .addColumn('suspended', 'boolean', (c) => c.notNull())
      .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['store_status', 'reservation_items', 'reservations', 'variants', 'products']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
