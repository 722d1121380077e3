import { type Kysely, sql } from 'kysely';
import type { AuthDatabase } from './database.js';
import { authErrors } from './errors.js';

/** Sign-in throttling limits, per 15-minute window by default. */
export interface ThrottleLimits {
  windowSeconds: number;
  /** Attempts allowed for one email from one address. */
  perEmailAndIp: number;
  /** Attempts allowed for one email from anywhere (slows a distributed guesser). */
  perEmail: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowSeconds: 900, perEmailAndIp: 5, perEmail: 20 };

/**
 * Records a sign-in attempt and refuses it when the window is full. The attempt is written before
 * it is counted, so fifty guesses sent at once cannot all slip under the limit; a successful sign-in
 * clears the email's attempts.
 */
export async function recordAttempt(db: Kysely<AuthDatabase>, limits: ThrottleLimits, email: string, ip: string, now: Date): Promise<number> {
  const inserted = await db.insertInto('login_attempts').values({ email, ip, attempted_at: now }).returning('id').executeTakeFirstOrThrow();
  const since = new Date(now.getTime() - limits.windowSeconds * 1000);
  const counts = await db
    .selectFrom('login_attempts')
    .select([
      sql<number>`count(*) filter (where ip = ${ip} and id <= ${inserted.id})`.as('fromIp'),
      sql<number>`count(*) filter (where id <= ${inserted.id})`.as('total'),
      sql<Date>`min(attempted_at)`.as('oldest'),
    ])
    .where('email', '=', email)
    .where('attempted_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(counts.fromIp) > limits.perEmailAndIp || Number(counts.total) > limits.perEmail) {
    const oldest = new Date(counts.oldest ?? now);
    const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + limits.windowSeconds * 1000 - now.getTime()) / 1000));
    throw authErrors.AUTH_LOGIN_THROTTLED({ detail: `Try again in ${retryAfter} seconds`, headers: { 'retry-after': String(retryAfter) } });
  }
  return inserted.id;
}

/** Forgets an email's attempts after it signed in. */
export async function clearAttempts(db: Kysely<AuthDatabase>, email: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('email', '=', email).execute();
}
