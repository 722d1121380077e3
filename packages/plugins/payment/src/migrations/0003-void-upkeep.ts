import { type Kysely, type Migration, sql } from 'kysely';

/**
 * What the reconciliation job's two new sweeps read: cancelled payments not yet checked at their
 * gateway (a charge may have reached it after the cancellation looked there), and void records by
 * age (pruned after the retention).
 */
export const voidUpkeep: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('payments').addColumn('gateway_checked_at', 'timestamptz').execute();
    await db.schema
      .createIndex('payments_cancelled_unchecked')
      .on('payments')
      .columns(['updated_at', 'id'])
      .where(sql.ref('status'), '=', 'cancelled')
      .where(sql.ref('gateway_checked_at'), 'is', null)
      .execute();
    await db.schema.createIndex('voided_references_age').on('voided_references').columns(['voided_at', 'reference']).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('voided_references_age').ifExists().execute();
    await db.schema.dropIndex('payments_cancelled_unchecked').ifExists().execute();
    await db.schema.alterTable('payments').dropColumn('gateway_checked_at').execute();
  },
};
