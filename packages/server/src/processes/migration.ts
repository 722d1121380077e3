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

/**
 * `tokobapak.process_lease_held(saved, id)`: raises {@link LEASE_LOST_CODE} when a write of a
 * process matched no row (its server no longer holds it). A save inside a `local` step's transaction
 * calls it on its own update, so that a lost lease fails the transaction without the runner reading
 * the update's answer: the save can then ride along with the `commit` (statements-ahead.ts).
 */
export const processLeaseCheckMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await sql`
      create function tokobapak.process_lease_held(saved bigint, process_id text) returns void
      language plpgsql as $$
      begin
        if saved = 0 then
          raise exception 'process % was taken over by another server', process_id using errcode = '${sql.raw(LEASE_LOST_CODE)}';
        end if;
      end
      $$
    `.execute(db);
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await sql`drop function if exists tokobapak.process_lease_held(bigint, text)`.execute(db);
  },
};

/** The SQLSTATE of a write of a process whose lease another server took (`process_lease_held`). */
export const LEASE_LOST_CODE = 'TB409';
