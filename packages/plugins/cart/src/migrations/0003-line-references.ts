import type { Kysely, Migration } from 'kysely';

/**
 * The references of lines added for another service (the wishlist's moves): stored in the
 * transaction that adds the line, so a repeated reference adds nothing, even after a crash.
 */
export const lineReferences: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('line_references')
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('cart_id', 'text', (c) => c.notNull().references('carts.id').onDelete('cascade'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('line_references_pkey', ['customer_id', 'reference'])
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropTable('line_references').ifExists().execute();
  },
};
