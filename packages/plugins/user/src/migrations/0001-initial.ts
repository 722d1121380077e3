import { type Kysely, type Migration, sql } from 'kysely';

/** Users, addresses, payment methods and the deletion records. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    const now = sql`now()`;
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_verified', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'active', 'suspended')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    // Named, so registration can tell this conflict from any other.
    await db.schema.createIndex('users_email_unique').on('users').column('email').unique().execute();

    await db.schema
      .createTable('addresses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('recipient_name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('line1', 'text', (c) => c.notNull())
      .addColumn('line2', 'text')
      .addColumn('city', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('postal_code', 'text', (c) => c.notNull())
      .addColumn('country_code', 'text', (c) => c.notNull())
      .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('addresses_user').on('addresses').columns(['user_id', 'id']).execute();
    // Whatever the application does, the database never holds two defaults for one user.
    await db.schema.createIndex('addresses_one_default').on('addresses').column('user_id').unique().where(sql.ref('is_default'), '=', true).execute();

    await db.schema
      .createTable('payment_methods')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('card', 'ewallet', 'bank_account', 'virtual_account')`))
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('brand', 'text')
      .addColumn('last4', 'text')
      .addColumn('expiry_month', 'integer')
      .addColumn('expiry_year', 'integer')
      .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('payment_methods_user').on('payment_methods').columns(['user_id', 'id']).execute();
    await db.schema.createIndex('payment_methods_token_unique').on('payment_methods').columns(['user_id', 'provider', 'token']).unique().execute();
    await db.schema
      .createIndex('payment_methods_one_default')
      .on('payment_methods')
      .column('user_id')
      .unique()
      .where(sql.ref('is_default'), '=', true)
      .execute();

    await db.schema
      .createTable('deletions')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('deleted_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('deletion_acknowledgements')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('deletion_acknowledgements_pk', ['user_id', 'service'])
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['deletion_acknowledgements', 'deletions', 'payment_methods', 'addresses', 'users']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
