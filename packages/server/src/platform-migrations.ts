import { type Kysely, type Migration, sql } from 'kysely';
import { deletedAccountsListedAtMigration, deletedAccountsMigration } from './deleted-accounts.js';
import { eventsMigration } from './events/migrations.js';
import { scheduledJobsMigration } from './jobs/migration.js';
import { processesMigration, processLeaseCheckMigration } from './processes/migration.js';
import { rateLimitMigration } from './rate-limit.js';

/** The schema the runtime itself owns (outbox, offsets, idempotency records, settings, processes, scheduled jobs). */
export const PLATFORM_SCHEMA = 'tokobapak';

const settingsAndIdempotency: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('settings')
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('idempotency_keys')
      .ifNotExists()
      .addColumn('caller', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('response', 'jsonb')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['caller', 'operation', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created_at').ifNotExists().on('idempotency_keys').column('created_at').execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('idempotency_keys').ifExists().execute();
    await db.schema.dropTable('settings').ifExists().execute();
  },
};

/**
 * Who runs an idempotent request, until when: a record whose server died mid-request is taken over
 * by a retry once its lease has run out, instead of answering 409 until it is pruned.
 */
const idempotencyLeases: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async up(db: Kysely<any>) {
    await db.schema.withSchema(PLATFORM_SCHEMA).alterTable('idempotency_keys').addColumn('owner', 'text').addColumn('lease_until', 'timestamptz').execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.withSchema(PLATFORM_SCHEMA).alterTable('idempotency_keys').dropColumn('owner').dropColumn('lease_until').execute();
  },
};

/** The runtime's own migrations, applied before any plugin's. */
export const platformMigrations: Record<string, Migration> = {
  '0001_settings_and_idempotency': settingsAndIdempotency,
  '0002_events': eventsMigration,
  '0003_processes': processesMigration,
  '0004_scheduled_jobs': scheduledJobsMigration,
  '0005_rate_limits': rateLimitMigration,
  '0006_deleted_accounts': deletedAccountsMigration,
  '0007_idempotency_leases': idempotencyLeases,
  '0008_deleted_accounts_listed_at': deletedAccountsListedAtMigration,
  '0009_process_lease_check': processLeaseCheckMigration,
};
