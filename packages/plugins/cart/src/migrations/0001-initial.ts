import { type Kysely, type Migration, sql } from 'kysely';

/** Carts, their lines, and the tax settings. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('carts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text')
      .addColumn('token_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'merged', 'completed', 'expired')`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('coupon_codes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('checkout_id', 'text')
      .addColumn('merged_into', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      // A cart belongs to a customer or is reached by a token: exactly one of the two.
      .addCheckConstraint('carts_owner', sql`(customer_id is null) <> (token_hash is null)`)
      .execute();
    // One open cart per customer, whatever concurrent requests do.
    await db.schema.createIndex('carts_open_customer').unique().on('carts').column('customer_id').where(sql.ref('status'), '=', 'open').execute();
    await db.schema.createIndex('carts_token').unique().on('carts').column('token_hash').execute();
    // The expiry sweep: open carts by idleness.
    await db.schema.createIndex('carts_open_idle').on('carts').column('updated_at').where(sql.ref('status'), '=', 'open').execute();

    await db.schema
      .createTable('cart_lines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cart_id', 'text', (c) => c.notNull().references('carts.id').onDelete('cascade'))
      .addColumn('variant_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity between 1 and 10000`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addUniqueConstraint('cart_lines_variant', ['cart_id', 'variant_id'])
      .execute();

    await db.schema
      .createTable('store_tax_settings')
      .addColumn('store_id', 'text', (c) => c.primaryKey())
      .addColumn('prices_include_tax', 'boolean', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('platform_tax')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rate_basis_points', 'integer', (c) => c.notNull().check(sql`rate_basis_points between 0 and 10000`))
      .addColumn('base_numerator', 'integer', (c) => c.notNull())
      .addColumn('base_denominator', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addCheckConstraint('platform_tax_base', sql`base_numerator between 1 and base_denominator`)
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['platform_tax', 'store_tax_settings', 'cart_lines', 'carts']) await db.schema.dropTable(table).ifExists().execute();
  },
};
