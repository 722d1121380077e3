import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';
import type { AuthEvents } from './generated/manifest.js';

const subscribe = eventSubscriber<AuthDatabase, AuthEvents>();

/**
 * `user.deleted` → erase the account's credentials, sessions, API keys, identities and reset tokens,
 * then say so. The runtime records the event as processed in this same transaction, so a redelivery
 * erases nothing twice and acknowledges once.
 */
export const eraseDeletedUsers = subscribe({
  name: 'erase-deleted-users',
  types: [eventTypes.user.deleted],
  async handle(event, tx) {
    const { userId } = event.data;
    await eraseUser(tx.db, userId);
    await tx.publish({ type: eventTypes.user.deletionAcknowledged, subject: userId, data: { userId, service: 'auth' } });
  },
});

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
export const endRemovedStaffAccess = subscribe({
  name: 'end-removed-staff-access',
  types: [eventTypes.merchant.staffRemoved],
  async handle(event, tx) {
    const { storeId, userId } = event.data;
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
});

/** `merchant.store-suspended` / `-reinstated` → store keys and store sessions pause and resume with the store. */
export const trackSuspendedStores = subscribe({
  name: 'track-suspended-stores',
  types: [eventTypes.merchant.storeSuspended, eventTypes.merchant.storeReinstated],
  async handle(event, tx) {
    const { storeId } = event.data;
    if (event.type === eventTypes.merchant.storeReinstated) {
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
});
