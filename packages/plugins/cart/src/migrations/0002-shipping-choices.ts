import { type Kysely, type Migration, sql } from 'kysely';

/** The shipping option a shopper chose for each store of a cart. */
export const shippingChoices: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cart_shipping')
      .addColumn('cart_id', 'text', (c) => c.notNull().references('carts.id').onDelete('cascade'))
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('option_id', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
      .addColumn('weight', 'bigint', (c) => c.notNull())
      .addColumn('selected_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('cart_shipping_pkey', ['cart_id', 'store_id'])
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('cart_shipping').ifExists().execute();
  },
};
