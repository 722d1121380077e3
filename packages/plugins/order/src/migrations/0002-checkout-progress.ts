import { type Kysely, type Migration, sql } from 'kysely';

/**
 * What the checkout's processes need on the checkout row: the orders it will place (fixed when it
 * opens), the payment's outcome when it arrives before the orders are placed, and how far settling
 * (after payment) or releasing (after failure, expiry or cancellation) has come.
 */
export const checkoutProgress: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('checkouts')
      .addColumn('placement', 'jsonb')
      .addColumn('payment_outcome', 'text')
      .addColumn('settled_at', 'timestamptz')
      .addColumn('released_at', 'timestamptz')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // The settling job: decided checkouts whose processes have not finished.
    await db.schema
      .createIndex('checkouts_unfinished')
      .on('checkouts')
      .column('id')
      .where(sql<boolean>`(status = 'paid' and settled_at is null) or (status in ('failed', 'expired', 'cancelled') and released_at is null)`)
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('checkouts_unfinished').ifExists().execute();
    for (const column of ['placement', 'payment_outcome', 'settled_at', 'released_at', 'attempts'])
      await db.schema.alterTable('checkouts').dropColumn(column).execute();
  },
};
