import { type Kysely, type Migration, sql } from 'kysely';

/** The schema the runtime owns; every events table lives in it whatever handle runs the migration. */
export const EVENTS_SCHEMA = 'tokobapak';

/**
 * Creates the outbox and the relay's bookkeeping tables in schema `tokobapak` (PostgreSQL 15+ and
 * PGlite): `outbox`, `consumer_offsets`, `processed_events`, `consumer_retries`, `dead_letters`.
 *
 * @example
 * const migrations = { '0002_events': eventsMigration };
 */
export const eventsMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await db.schema.createSchema(EVENTS_SCHEMA).ifNotExists().execute();
    const schema = db.schema.withSchema(EVENTS_SCHEMA);

    // tx_id is the writing transaction's id: the relay reads only rows of transactions older than
    // every transaction still running, so a transaction that commits late is never skipped.
    await schema
      .createTable('outbox')
      .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('time', 'timestamptz', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('tx_id', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await schema.createIndex('outbox_tx_id_id_idx').on('outbox').columns(['tx_id', 'id']).execute();

    await schema
      .createTable('consumer_offsets')
      .addColumn('consumer', 'text', (c) => c.primaryKey())
      .addColumn('last_tx_id', sql`xid8`, (c) => c.notNull().defaultTo(sql`'0'::xid8`))
      .addColumn('last_id', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await schema
      .createTable('processed_events')
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('processed_events_pk', ['consumer', 'event_id'])
      .execute();

    await schema
      .createTable('consumer_retries')
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_error', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('consumer_retries_pk', ['consumer', 'event_id'])
      .execute();
    await schema.createIndex('consumer_retries_due_idx').on('consumer_retries').columns(['consumer', 'next_attempt_at']).execute();

    await schema
      .createTable('dead_letters')
      .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await schema.createIndex('dead_letters_consumer_idx').on('dead_letters').columns(['consumer', 'failed_at']).execute();
  },

  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    // The schema stays: the runtime keeps other tables (settings, idempotency records) in it.
    const schema = db.schema.withSchema(EVENTS_SCHEMA);
    for (const table of ['dead_letters', 'consumer_retries', 'processed_events', 'consumer_offsets', 'outbox']) {
      await schema.dropTable(table).ifExists().execute();
    }
  },
};
