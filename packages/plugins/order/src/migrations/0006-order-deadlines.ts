import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The `order-deadlines` job looks for orders waiting on the store (`paid`) or on delivery
 * (`shipped`) every minute; most orders are past both, so a partial index keeps its read to the
 * few that are not, however many orders a platform has made. A parcel the carrier returned or
 * cancelled is marked on its order (`parcel_returned_at`), which the shipped deadline leaves to
 * the store rather than completing it.
 */
export const orderDeadlines: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('orders').addColumn('parcel_returned_at', 'timestamptz').execute();
    await db.schema.createIndex('orders_awaiting_deadline').on('orders').columns(['status', 'id']).where(sql<boolean>`status in ('paid', 'shipped')`).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('orders_awaiting_deadline').ifExists().execute();
    await db.schema.alterTable('orders').dropColumn('parcel_returned_at').execute();
  },
};
