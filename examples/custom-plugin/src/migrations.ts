import type { Kysely, Migration } from 'kysely';

/** The checklist service's migrations, applied in its own schema. */
export const migrations: Record<string, Migration> = {
  '0001_items': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('items')
        .addColumn('store_id', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('position', 'integer', (column) => column.notNull())
        .addColumn('completed_at', 'timestamptz')
        .addPrimaryKeyConstraint('items_pkey', ['store_id', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('items').execute();
    },
  },
};
