import type { HandlerContext } from '@tokobapak/server';
import type { UserDatabase } from './database.js';
import type { UserSettings } from './options.js';

/** The unique index that makes a pending registration hold its email. */
export const EMAIL_INDEX = 'users_email_unique';

/** What clearing a stale reservation needs from a handler's (or a process step's) context. */
export type ReservationContext = Pick<HandlerContext<UserDatabase>, 'db' | 'clients' | 'clock' | 'log' | 'processes'>;

/**
 * Removes a pending reservation of `email` older than the configured time, together with any
 * credential it may have left in auth. True when there was one.
 *
 * A reservation whose registration process is unfinished is never stale: a live server is working
 * on it, or recovery will finish or undo it. What this clears are reservations without a process
 * (left by a server that predates durable processes) and ones whose process has ended.
 */
export async function clearStaleReservation(ctx: ReservationContext, settings: UserSettings, email: string): Promise<boolean> {
  const cutoff = new Date(ctx.clock.now().getTime() - settings.pendingRegistrationTtlMs);
  const stale = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  if (!stale) return false;
  const process = await ctx.processes.get(stale.id);
  if (process && (process.status === 'running' || process.status === 'compensating')) return false;
  // Credential first: if this fails the reservation stays, and the next attempt tries again.
  await ctx.clients.auth.deleteCredential({ params: { userId: stale.id } });
  await ctx.db.deleteFrom('users').where('id', '=', stale.id).where('status', '=', 'pending').execute();
  ctx.log.info({ userId: stale.id }, 'cleared a registration that never finished');
  return true;
}
