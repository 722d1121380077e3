import { type Kysely, type Migration, sql } from 'kysely';

/** Banners and promoted products. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    for (const table of ['banners', 'promotions'] as const) {
      let create = db.schema
        .createTable(table)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('platform', 'store')`))
        .addColumn('store_id', 'text')
        .addColumn('placement', 'text', (c) => c.notNull());
      create =
        table === 'banners'
          ? create
              .addColumn('title', 'text', (c) => c.notNull())
              .addColumn('image_id', 'text', (c) => c.notNull())
              .addColumn('link_url', 'text', (c) => c.notNull())
          : create.addColumn('product_id', 'text', (c) => c.notNull());
      await create
        .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ends_at', 'timestamptz')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused')`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        // A store slot always names its store and a platform slot never does, whatever the application does.
        .addCheckConstraint(`${table}_owner`, sql`(scope = 'store') = (store_id is not null)`)
        .addCheckConstraint(`${table}_schedule`, sql`ends_at is null or ends_at > starts_at`)
        .execute();
      // Management lists: one owner's slots, newest first.
      await db.schema.createIndex(`${table}_owner_id`).on(table).columns(['scope', 'store_id', 'id']).execute();
      // The storefront: one owner's active slots by placement.
      await db.schema
        .createIndex(`${table}_live`)
        .on(table)
        .columns(['scope', 'store_id', 'placement', 'priority'])
        .where(sql.ref('status'), '=', 'active')
        .execute();
    }
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['promotions', 'banners']) await db.schema.dropTable(table).ifExists().execute();
  },
};
