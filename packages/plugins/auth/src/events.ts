import type { Subscription } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';

/** Events the auth service publishes. */
export const AUTH_EVENTS = {
  passwordChanged: 'auth.password-changed',
  passwordReset: 'auth.password-reset',
  roleChanged: 'auth.role-changed',
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
