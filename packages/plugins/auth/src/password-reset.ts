import { newId } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from './database.js';
import { hashSecret, randomSecret } from './secrets.js';

/** How long a reset link works, how many mails an account gets per hour, and how often one address may ask. */
export interface ResetSettings {
  ttlSeconds: number;
  /** Reset mails per account per hour. */
  perHour: number;
  /** `forgotPassword` requests per email address per hour, whether or not an account has it (429 beyond). */
  requestsPerHour: number;
}

export const DEFAULT_RESET: ResetSettings = { ttlSeconds: 3600, perHour: 5, requestsPerHour: 10 };

/**
 * Creates a single-use reset token for a user, or returns undefined when the hourly allowance is
 * spent. Must run in a transaction: it locks the account's credential row first, so concurrent
 * requests for one account (in any process) count and supersede one after the other — without the
 * lock, fifty parallel requests each saw fewer than five recent tokens and each left a valid link.
 */
export async function createResetToken(db: Kysely<AuthDatabase>, settings: ResetSettings, userId: string, now: Date): Promise<string | undefined> {
  const account = await db.selectFrom('credentials').select('user_id').where('user_id', '=', userId).forUpdate().executeTakeFirst();
  if (!account) return undefined;
  const recent = await db
    .selectFrom('password_resets')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('created_at', '>', new Date(now.getTime() - 3600_000))
    .executeTakeFirstOrThrow();
  if (Number(recent.count) >= settings.perHour) return undefined;
  const token = randomSecret('prt');
  // Only the newest link works: an older mail lying in an inbox is worthless.
  await db.updateTable('password_resets').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  await db
    .insertInto('password_resets')
    .values({
      id: newId('prt'),
      user_id: userId,
      token_hash: hashSecret(token),
      created_at: now,
      expires_at: new Date(now.getTime() + settings.ttlSeconds * 1000),
    })
    .execute();
  return token;
}

/** Spends a reset token (a conditional update, so two concurrent uses cannot both succeed); returns its user. */
export async function consumeResetToken(db: Kysely<AuthDatabase>, token: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', hashSecret(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  if (!row) return undefined;
  // Any other outstanding link for the account dies with this one.
  await db.updateTable('password_resets').set({ used_at: now }).where('user_id', '=', row.user_id).where('used_at', 'is', null).execute();
  return row.user_id;
}
