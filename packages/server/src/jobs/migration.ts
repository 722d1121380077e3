import type { Kysely, Migration } from 'kysely';

/** `tokobapak.scheduled_jobs`: one row per job (`<plugin>.<name>`): who holds it, until when, and when it runs next. */
export const scheduledJobsMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .withSchema('tokobapak')
      .createTable('scheduled_jobs')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'timestamptz', (c) => c.notNull())
      .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_run_at', 'timestamptz')
      .addColumn('last_error', 'text')
      .addColumn('runs', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.withSchema('tokobapak').dropTable('scheduled_jobs').ifExists().execute();
  },
};
