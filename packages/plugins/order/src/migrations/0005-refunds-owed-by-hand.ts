import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A refund the payment's gateway refused (Midtrans refunds no bank transfer) stays counted as
 * `owed`: the cancellation stands and the platform pays the customer back by hand, until an admin
 * acknowledges it and it becomes `succeeded`. Before, such a refund was undone (`failed`).
 */
export const refundsOwedByHand: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('order_refunds').dropConstraint('order_refunds_status_check').execute();
    await db.schema
      .alterTable('order_refunds')
      .addCheckConstraint('order_refunds_status_check', sql`status in ('pending', 'succeeded', 'owed', 'failed')`)
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    // An owed refund is counted on the order, as a succeeded one is.
    await db.updateTable('order_refunds').set({ status: 'succeeded' }).where('status', '=', 'owed').execute();
    await db.schema.alterTable('order_refunds').dropConstraint('order_refunds_status_check').execute();
    await db.schema.alterTable('order_refunds').addCheckConstraint('order_refunds_status_check', sql`status in ('pending', 'succeeded', 'failed')`).execute();
  },
};
