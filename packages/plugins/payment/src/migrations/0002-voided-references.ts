import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The references voided by `voidPayment`: one row each, kept long after any create of it could still
 * arrive (a retry, or a call in flight since before a crash, must still be refused); the
 * reconciliation job prunes them after `voidRetentionDays` (`void-retention.ts`).
 */
export const voidedReferences: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('voided_references')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('reason', 'text')
      .addColumn('voided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('voided_references').ifExists().execute();
  },
};
