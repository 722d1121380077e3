import type { Kysely, Migration } from 'kysely';

/** Store sessions: a refresh-token family may act inside one store, with a role there. */
export const storeSessions: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('refresh_tokens').addColumn('store_id', 'text').execute();
    await db.schema.alterTable('refresh_tokens').addColumn('store_role', 'text').execute();
    await db.schema.createIndex('refresh_tokens_store_user').on('refresh_tokens').columns(['store_id', 'user_id']).execute();
    await db.schema.createIndex('api_keys_store_user').on('api_keys').columns(['store_id', 'user_id']).execute();
    await db.schema
      .createTable('suspended_stores')
      .addColumn('store_id', 'text', (c) => c.primaryKey())
      .addColumn('suspended_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('suspended_stores').ifExists().execute();
    await db.schema.dropIndex('api_keys_store_user').ifExists().execute();
    await db.schema.dropIndex('refresh_tokens_store_user').ifExists().execute();
    await db.schema.alterTable('refresh_tokens').dropColumn('store_role').execute();
    await db.schema.alterTable('refresh_tokens').dropColumn('store_id').execute();
  },
};
