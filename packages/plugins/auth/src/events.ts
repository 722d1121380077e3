import type { Subscription } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';

/** Events the auth service publishes. */
export const AUTH_EVENTS = {
  passwordChanged: 'auth.password-changed',
  passwordReset: 'auth.password-reset',
  roleChanged: 'auth.role-changed',
  /** Someone asked for a reset mail; consumed by auth itself, to send the mail after answering. */
  passwordResetRequested: 'auth.password-reset-requested',
} as const;

/** Published by every service once it has erased a deleted user's data (consumed by the user service). */
export const DELETION_ACKNOWLEDGED = 'user.deletion-acknowledged';

/**
 * `user.deleted` → erase the account's credentials, sessions, API keys, identities and reset tokens,
 * then say so. The runtime records the event as processed in this same transaction, so a redelivery
 * erases nothing twice and acknowledges once.
 */
export const eraseDeletedUsers: Subscription<AuthDatabase> = {
  name: 'erase-deleted-users',
  types: ['user.deleted'],
  async handle(event, tx) {
    const { userId } = event.data as { userId: string };
    await eraseUser(tx.db, userId);
    await tx.publish({ type: DELETION_ACKNOWLEDGED, subject: userId, data: { userId, service: 'auth' } });
  },
};

/** Deletes everything the auth service holds about a user. */
export async function eraseUser(db: import('kysely').Kysely<AuthDatabase>, userId: string): Promise<void> {
  await db.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
  await db.deleteFrom('password_resets').where('user_id', '=', userId).execute();
  await db.deleteFrom('api_keys').where('user_id', '=', userId).execute();
  await db.deleteFrom('identities').where('user_id', '=', userId).execute();
  const credential = await db.deleteFrom('credentials').where('user_id', '=', userId).returning('email').executeTakeFirst();
  if (credential) await db.deleteFrom('login_attempts').where('email', '=', credential.email).execute();
}

/** `merchant.staff-removed` → the person's store sessions and keys for that store stop working. */
export const endRemovedStaffAccess: Subscription<AuthDatabase> = {
  name: 'end-removed-staff-access',
  types: ['merchant.staff-removed'],
  async handle(event, tx) {
    const { storeId, userId } = event.data as { storeId: string; userId: string };
    const now = new Date(event.time);
    await tx.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now, revoked_reason: 'removed-from-store' })
      .where('store_id', '=', storeId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await tx.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('store_id', '=', storeId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  },
};

/** `merchant.store-suspended` / `-reinstated` → store keys and store sessions pause and resume with the store. */
export const trackSuspendedStores: Subscription<AuthDatabase> = {
  name: 'track-suspended-stores',
  types: ['merchant.store-suspended', 'merchant.store-reinstated'],
  async handle(event, tx) {
    const { storeId } = event.data as { storeId: string };
    if (event.type === 'merchant.store-reinstated') {
      await tx.db.deleteFrom('suspended_stores').where('store_id', '=', storeId).execute();
      return;
    }
    await tx.db
      .insertInto('suspended_stores')
      .values({ store_id: storeId, suspended_at: new Date(event.time) })
      .onConflict((c) => c.column('store_id').doNothing())
      .execute();
    await tx.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date(event.time), revoked_reason: 'store-suspended' })
      .where('store_id', '=', storeId)
      .where('revoked_at', 'is', null)
      .execute();
  },
};
