import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Shipping and cancelling at the desk: the carrier a store names when it ships an order itself,
 * and what a refund still has to do. A refund row is written `pending` with the order's counters
 * already moved (so concurrent refunds cannot pass what was paid), then driven through the payment
 * and the stock return to `succeeded`, or undone as `failed` when the payment service refuses it.
 */
export const shipmentsAndRefunds: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('orders').addColumn('carrier', 'text').execute();
    await db.schema
      .alterTable('order_refunds')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('succeeded').check(sql`status in ('pending', 'succeeded', 'failed')`))
      .addColumn('actor', 'text', (c) => c.notNull().defaultTo('store').check(sql`actor in ('customer', 'store', 'system')`))
      .addColumn('shipping', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`shipping >= 0`))
      .addColumn('restock', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('cancels_order', 'boolean', (c) => c.notNull().defaultTo(false))
      // Whether the order had completed (its credit posted) when the refund was counted.
      .addColumn('after_completion', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'timestamptz')
      .execute();
    // Cancelling a free unit (a gift of a buy-x-get-y promotion) refunds nothing but is recorded.
    await db.schema.alterTable('order_refunds').dropConstraint('order_refunds_amount_check').execute();
    await db.schema.alterTable('order_refunds').addCheckConstraint('order_refunds_amount_check', sql`amount >= 0`).execute();
    // The job that finishes refunds a crash or an unreachable service left pending.
    await db.schema.createIndex('order_refunds_pending').on('order_refunds').column('created_at').where(sql.ref('status'), '=', 'pending').execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('order_refunds_pending').ifExists().execute();
    for (const column of ['status', 'actor', 'shipping', 'restock', 'cancels_order', 'after_completion', 'attempts', 'updated_at'])
      await db.schema.alterTable('order_refunds').dropColumn(column).execute();
    await db.schema.alterTable('orders').dropColumn('carrier').execute();
  },
};
