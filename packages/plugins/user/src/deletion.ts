import type { UserComponents } from '@tokobapak/sdk';
import { eventTypes, TokoBapakError } from '@tokobapak/sdk';
import type { Kysely } from 'kysely';
import type { UserDatabase } from './database.js';
import { userErrors } from './errors.js';
import { SERVICE_NAME } from './events.js';
import { toDeletionRecord } from './mappers.js';
import { accountGone, findUser, requireAccount, type UserContext } from './users.js';

type Db = Kysely<UserDatabase>;

/** What `deleteAccount` answers (the `AccountDeletion` schema, with a Date). */
export interface AccountDeletion {
  userId: string;
  deletedAt: Date;
}

/**
 * Deletes an account for good, once the password proves it is the owner. One transaction removes
 * the profile, addresses and payment methods, opens the deletion record (an id and a time, nothing
 * personal) with this service's own acknowledgement, and publishes `user.deleted` for every other
 * service. Auth is then asked to erase the credential at once, so the password and every session
 * and API key stop working before the answer; its `user.deleted` consumer is what guarantees it.
 */
export async function deleteAccount(ctx: UserContext, userId: string, password: string): Promise<AccountDeletion> {
  await requireAccount(ctx.db, userId);
  try {
    await ctx.clients.auth.verifyPassword({ params: { userId }, body: { password } });
  } catch (error) {
    if (!(error instanceof TokoBapakError && error.status === 401)) throw error;
    // No credential left can also mean a concurrent deletion just finished.
    if (!(await findUser(ctx.db, userId))) return earlierDeletion(ctx.db, userId);
    // 403, not 401: clients that refresh and retry on 401 would otherwise loop.
    throw userErrors.USER_PASSWORD_WRONG();
  }

  const deletion = await ctx.transaction(async (tx) => {
    const deletedAt = ctx.clock.now();
    // Deleting the row first is the claim: of two concurrent deletions, one does the work.
    const removed = await tx.db.deleteFrom('users').where('id', '=', userId).where('status', '!=', 'pending').returning('id').executeTakeFirst();
    if (!removed) return undefined;
    await tx.db.deleteFrom('addresses').where('user_id', '=', userId).execute();
    await tx.db.deleteFrom('payment_methods').where('user_id', '=', userId).execute();
    await tx.db.insertInto('deletions').values({ user_id: userId, deleted_at: deletedAt }).execute();
    await tx.db.insertInto('deletion_acknowledgements').values({ user_id: userId, service: SERVICE_NAME, acknowledged_at: deletedAt }).execute();
    await tx.publish({ type: eventTypes.user.deleted, subject: userId, data: { userId } });
    return { userId, deletedAt };
  });
  if (!deletion) return earlierDeletion(ctx.db, userId);

  try {
    await ctx.clients.auth.deleteCredential({ params: { userId } });
  } catch (error) {
    ctx.log.warn({ err: error, userId }, 'auth did not erase the credential now; its user.deleted consumer will');
  }
  return deletion;
}

/** The answer of a concurrent request that deleted the account first: the same as it gave. */
async function earlierDeletion(db: Db, userId: string): Promise<AccountDeletion> {
  const earlier = await db.selectFrom('deletions').select('deleted_at').where('user_id', '=', userId).executeTakeFirst();
  if (!earlier) throw accountGone();
  return { userId, deletedAt: new Date(earlier.deleted_at) };
}

/** The deletion record of a user, with the acknowledgements in the order they came. */
export async function getDeletionRecord(db: Db, userId: string): Promise<UserComponents['schemas']['DeletionRecord']> {
  const deletion = await db.selectFrom('deletions').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!deletion) throw userErrors.USER_DELETION_NOT_FOUND();
  const acknowledgements = await db
    .selectFrom('deletion_acknowledgements')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('acknowledged_at')
    .orderBy('service')
    .execute();
  return toDeletionRecord(deletion, acknowledgements);
}
