import { type Kysely, type Migration, sql } from 'kysely';

/** Images, rendered variants, sold-out state and the service's settings. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('images')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('etag', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('images_store').on('images').columns(['store_id', 'id']).execute();

    await db.schema
      .createTable('variants')
      .addColumn('image_id', 'text', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('variants_pk', ['image_id', 'blob_key'])
      .execute();

    await db.schema
      .createTable('sold_out_images')
      .addColumn('image_id', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sold_out_images_pk', ['image_id', 'product_id'])
      .execute();
    await db.schema.createIndex('sold_out_images_product').on('sold_out_images').column('product_id').execute();

    await db.schema
      .createTable('product_stock')
      .addColumn('product_id', 'text', (c) => c.primaryKey())
      .addColumn('sold_out', 'boolean', (c) => c.notNull())
      .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['settings', 'product_stock', 'sold_out_images', 'variants', 'images']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
