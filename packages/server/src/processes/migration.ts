import { type Kysely, type Migration, sql } from 'kysely';

/**
 * `tokobapak.processes`: one row per durable process, keyed by plugin. It sits beside the outbox and
 * the consumer offsets because it is the runtime's bookkeeping, written by the runtime only, like
 * them; one table lets a support tool list every service's processes, and adds no migration to the
 * plugins (whose own migrations are ordered and must not gain an earlier one).
 */
export const processesMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    const schema = db.schema.withSchema('tokobapak');
    await schema
      .createTable('processes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('plugin', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('input', 'jsonb', (c) => c.notNull())
      .addColumn('steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('error', 'jsonb')
      .addColumn('deadline_at', 'timestamptz')
      // Who runs it and until when: a server renews its lease while it works; an expired lease on an
      // unfinished process means its server died (or, while compensating, that a retry is due).
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'timestamptz')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('finished_at', 'timestamptz')
      .addUniqueConstraint('processes_plugin_key_unique', ['plugin', 'key'])
      .execute();
    await sql`create index processes_unfinished_idx on tokobapak.processes (lease_until) where status in ('running', 'compensating')`.execute(db);
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.withSchema('tokobapak').dropTable('processes').ifExists().execute();
  },
};
