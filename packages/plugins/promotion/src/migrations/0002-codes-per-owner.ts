import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Coupon codes unique per owner instead of across the marketplace: each store may have its own
 * `HEMAT10`, and the platform's codes are unique among the platform's. A shopper's code then
 * applies whichever of those promotions fit the cart's stores.
 */
export const codesPerOwner: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('promotions').dropConstraint('promotions_code_key').ifExists().execute();
    // Platform rows have no store: with nulls not distinct they are one owner, so their codes stay unique among them.
    await db.schema
      .createIndex('promotions_owner_code')
      .unique()
      .nullsNotDistinct()
      .on('promotions')
      .columns(['store_id', 'code'])
      .where(sql.ref('code'), 'is not', null)
      .execute();
    // Evaluation and redemption look promotions up by code alone.
    await db.schema.createIndex('promotions_code').on('promotions').column('code').where(sql.ref('code'), 'is not', null).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('promotions_code').ifExists().execute();
    await db.schema.dropIndex('promotions_owner_code').ifExists().execute();
    await db.schema.alterTable('promotions').addUniqueConstraint('promotions_code_key', ['code']).execute();
  },
};
