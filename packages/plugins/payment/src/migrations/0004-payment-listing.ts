import { type Kysely, type Migration, sql } from 'kysely';

/**
 * What the admins' payment listing (`listPayments`) reads: payments of one status newest first, and
 * the payments with a refund the gateway refused (few, so a partial index keeps them at hand).
 */
export const paymentListing: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.createIndex('payments_status_newest').on('payments').columns(['status', 'id']).execute();
    await db.schema.createIndex('refunds_failed').on('refunds').column('payment_id').where(sql.ref('status'), '=', 'failed').execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('refunds_failed').ifExists().execute();
    await db.schema.dropIndex('payments_status_newest').ifExists().execute();
  },
};
