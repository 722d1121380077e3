import { type Kysely, type Migration, sql } from 'kysely';

/** Stores, memberships and invitations. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    const now = sql`now()`;
    await db.schema
      .createTable('stores')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('handle', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('logo_image_id', 'text')
      .addColumn('contact_email', 'text')
      .addColumn('phone', 'text')
      .addColumn('address_line1', 'text')
      .addColumn('address_line2', 'text')
      .addColumn('address_city', 'text')
      .addColumn('address_region', 'text')
      .addColumn('address_postal_code', 'text')
      .addColumn('address_country_code', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'suspended')`))
      .addColumn('suspended_at', 'timestamptz')
      .addColumn('suspension_reason', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    // Named, so store creation can tell this conflict from any other. Handles are stored lower-cased,
    // so a plain unique index is a case-insensitive one.
    await db.schema.createIndex('stores_handle_unique').on('stores').column('handle').unique().execute();
    await db.schema.createIndex('stores_status').on('stores').columns(['status', 'id']).execute();

    await db.schema
      .createTable('memberships')
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'manager', 'staff')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('memberships_pk', ['store_id', 'user_id'])
      .execute();
    await db.schema.createIndex('memberships_user').on('memberships').columns(['user_id', 'store_id']).execute();
    await db.schema.createIndex('memberships_one_owner').on('memberships').column('store_id').unique().where(sql.ref('role'), '=', 'owner').execute();

    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('manager', 'staff')`))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'accepted', 'revoked')`))
      .addColumn('invited_by_user_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('accepted_at', 'timestamptz')
      .addColumn('accepted_by_user_id', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('invitations_store').on('invitations').columns(['store_id', 'id']).execute();
    await db.schema.createIndex('invitations_store_email').on('invitations').columns(['store_id', 'email']).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['invitations', 'memberships', 'stores']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
