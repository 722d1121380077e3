import { type Kysely, type Migration, sql } from 'kysely';

/** Wished variants, pending price checks and the alerts already sent. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('variant_id', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('seen_amount', 'bigint', (c) => c.notNull())
      .addColumn('seen_currency', 'text', (c) => c.notNull())
      .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      // A variant is on a customer's list once, however many concurrent adds race for it.
      .addUniqueConstraint('items_customer_variant', ['customer_id', 'variant_id'])
      .execute();
    // The customer's list, newest first (ids are time-ordered).
    await db.schema.createIndex('items_customer_id').on('items').columns(['customer_id', 'id']).execute();
    // Inventory events name a product: who wished for it.
    await db.schema.createIndex('items_product').on('items').column('product_id').execute();
    await db.schema
      .createTable('price_checks')
      .addColumn('product_id', 'text', (c) => c.primaryKey())
      .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notices')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('notices_pkey', ['event_id', 'customer_id'])
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['notices', 'price_checks', 'items']) await db.schema.dropTable(table).ifExists().execute();
  },
};
