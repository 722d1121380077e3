import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The cancellation request a refund was counted for: its `Idempotency-Key` and what it asked. A
 * cancellation answered `503 ORDER_REFUND_DELAYED` is counted already, and the platform's key store
 * keeps successes only; so a retry with the same key must find the refund here rather than count
 * the units a second time.
 */
export const refundRequestKeys: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('order_refunds').addColumn('request_key', 'text').addColumn('request', 'text').execute();
    // One live refund per key and actor on an order; a refund the payment refused (undone) frees its key.
    await db.schema
      .createIndex('order_refunds_request_key')
      .on('order_refunds')
      .columns(['order_id', 'actor', 'request_key'])
      .unique()
      .where(sql<boolean>`request_key is not null and status <> 'failed'`)
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('order_refunds_request_key').ifExists().execute();
    await db.schema.alterTable('order_refunds').dropColumn('request_key').dropColumn('request').execute();
  },
};
