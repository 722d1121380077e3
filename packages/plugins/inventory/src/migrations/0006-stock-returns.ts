import { type Kysely, type Migration, sql } from 'kysely';

/** Stock put back after a sale (an order cancelled before it shipped), once per caller's reference. */
export const stockReturns: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('stock_returns')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('items', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('stock_returns').ifExists().execute();
  },
};
