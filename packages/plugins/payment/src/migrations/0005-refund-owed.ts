import { type Kysely, type Migration, sql } from 'kysely';

/**
 * What refused refunds still owe, kept on the payment (`refunds.ts` keeps it up to date under the
 * payment's lock), so the admins' `refundFailed` queue is a read of one column instead of a
 * reckoning over every refund. A partial index keeps the few payments that owe something at hand.
 *
 * Payments refused before this migration start owing their refused refunds, at most what they
 * still hold: the old queue's rule, which is the best the stored rows can tell.
 */
export const refundOwed: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('payments')
      .addColumn('refund_owed', 'bigint', (column) => column.notNull().defaultTo(0))
      .addColumn('refund_owed_since', 'timestamptz')
      .execute();
    // Never negative, never more than the payment still holds: `refunds.ts` keeps it so, this backs it up.
    await db.schema
      .alterTable('payments')
      .addCheckConstraint('payments_refund_owed_held', sql`refund_owed >= 0 and refund_owed <= amount - refunded_amount`)
      .execute();
    await sql`
      update payment.payments as payments set
        refund_owed = least(payments.amount - payments.refunded_amount, failed.total),
        refund_owed_since = failed.since
      from (
        select payment_id, sum(amount) as total, min(updated_at) as since from payment.refunds where status = 'failed' group by payment_id
      ) as failed
      where failed.payment_id = payments.id and payments.status in ('paid', 'partially_refunded')
    `.execute(db);
    await db.schema.createIndex('payments_refund_owed').on('payments').column('id').where(sql.ref('refund_owed'), '>', 0).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('payments_refund_owed').ifExists().execute();
    await db.schema.alterTable('payments').dropConstraint('payments_refund_owed_held').execute();
    await db.schema.alterTable('payments').dropColumn('refund_owed_since').dropColumn('refund_owed').execute();
  },
};
