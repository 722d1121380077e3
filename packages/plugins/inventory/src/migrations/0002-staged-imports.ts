import { type Kysely, type Migration, sql } from 'kysely';

/** Staged imports: rows arrive in batches and are applied together at the commit. */
export const stagedImports: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'committed')`))
      .addColumn('result', 'jsonb')
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('imports_store').on('imports').columns(['store_id', 'id']).execute();
    await db.schema.createIndex('imports_expiry').on('imports').column('expires_at').execute();

    // A staged row is either valid (`input`) or rejected at staging (`errors`), never both.
    await db.schema
      .createTable('import_rows')
      .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
      .addColumn('row_index', 'integer', (c) => c.notNull())
      .addColumn('handle', 'text')
      .addColumn('input', 'jsonb')
      .addColumn('errors', 'jsonb')
      .addPrimaryKeyConstraint('import_rows_pk', ['import_id', 'row_index'])
      .addCheckConstraint('import_rows_input_or_errors', sql`(input is null) <> (errors is null)`)
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('import_rows').ifExists().execute();
    await db.schema.dropTable('imports').ifExists().execute();
  },
};
