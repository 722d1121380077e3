import type { Kysely, Migration } from 'kysely';

/**
 * Members' emails, so the staff list can show who is who without asking the user service per row.
 * Members who joined by invitation get the invited email (it had to match theirs); owners who
 * opened their store before this migration stay null.
 */
export const membershipEmail: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema.alterTable('memberships').addColumn('email', 'text').execute();
    // Through the query builder, so the tables resolve in the migration's schema.
    await db
      .updateTable('memberships as m')
      .from('invitations as i')
      .set((eb) => ({ email: eb.ref('i.email') }))
      .whereRef('i.store_id', '=', 'm.store_id')
      .whereRef('i.accepted_by_user_id', '=', 'm.user_id')
      .where('i.status', '=', 'accepted')
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.alterTable('memberships').dropColumn('email').execute();
  },
};
