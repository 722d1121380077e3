import type { Kysely, Migration } from 'kysely';

/**
 * Wished items the cart says it has a line of (`cart.line-referenced`, the item's id as the line's
 * reference): a move whose request died before it took the item off. The `drop-moved-items` job
 * takes them off the list once the move had time to do it itself.
 */
export const movedItems: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('moved_items')
      .addColumn('item_id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('moved_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('moved_items_moved_at').on('moved_items').column('moved_at').execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('moved_items').ifExists().execute();
  },
};
