import { type Kysely, type Migration, sql } from 'kysely';

/** Promotions, their redemptions and usage counts, and the customers-with-orders projection. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('promotions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('platform', 'store')`))
      .addColumn('store_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.unique())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('percentage', 'fixed_amount', 'free_shipping', 'buy_x_get_y')`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('percentage', 'integer', (c) => c.check(sql`percentage between 1 and 100`))
      .addColumn('amount', 'bigint', (c) => c.check(sql`amount > 0`))
      .addColumn('buy_quantity', 'integer', (c) => c.check(sql`buy_quantity > 0`))
      .addColumn('get_quantity', 'integer', (c) => c.check(sql`get_quantity > 0`))
      .addColumn('min_subtotal', 'bigint')
      .addColumn('conditions', 'jsonb', (c) => c.notNull())
      .addColumn('first_order_only', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('stacking', 'text', (c) => c.notNull().check(sql`stacking in ('exclusive', 'combinable')`))
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ends_at', 'timestamptz')
      .addColumn('usage_limit', 'integer')
      .addColumn('per_customer_limit', 'integer')
      // Never below zero, whatever the application does; the limits themselves are checked by conditional updates.
      .addColumn('used_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`used_count >= 0`))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addCheckConstraint('promotions_owner', sql`(scope = 'store') = (store_id is not null)`)
      .addCheckConstraint('promotions_window', sql`ends_at is null or ends_at > starts_at`)
      .execute();
    // Management lists: one owner's promotions, newest first.
    await db.schema.createIndex('promotions_owner_id').on('promotions').columns(['scope', 'store_id', 'id']).execute();
    // Evaluation: the automatic promotions of a currency.
    await db.schema
      .createIndex('promotions_automatic')
      .on('promotions')
      .columns(['currency', 'scope', 'store_id'])
      .where(sql.ref('code'), 'is', null)
      .execute();

    await db.schema
      .createTable('customer_usage')
      .addColumn('promotion_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull().check(sql`used >= 0`))
      .addPrimaryKeyConstraint('customer_usage_pk', ['promotion_id', 'customer_id'])
      .execute();

    await db.schema
      .createTable('redemptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('customer_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'committed', 'released', 'expired')`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    // The expiry sweep: active redemptions by expiry.
    await db.schema.createIndex('redemptions_active_expiry').on('redemptions').column('expires_at').where(sql.ref('status'), '=', 'active').execute();

    await db.schema
      .createTable('redemption_items')
      .addColumn('redemption_id', 'text', (c) => c.notNull().references('redemptions.id').onDelete('cascade'))
      .addColumn('promotion_id', 'text', (c) => c.notNull().references('promotions.id'))
      .addColumn('code', 'text')
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
      .addPrimaryKeyConstraint('redemption_items_pk', ['redemption_id', 'promotion_id'])
      .execute();
    // Stats: one promotion's redemptions.
    await db.schema.createIndex('redemption_items_promotion').on('redemption_items').column('promotion_id').execute();

    await db.schema
      .createTable('ordering_customers')
      .addColumn('customer_id', 'text', (c) => c.primaryKey())
      .addColumn('first_order_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['ordering_customers', 'redemption_items', 'redemptions', 'customer_usage', 'promotions']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
