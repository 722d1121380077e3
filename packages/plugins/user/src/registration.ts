import { TokoBapakError } from '@tokobapak/sdk';
import { isUniqueViolation, newId, platformErrors } from '@tokobapak/server';
import type { Insertable } from 'kysely';
import type { UserDatabase } from './database.js';
import { userErrors } from './errors.js';
import { USER_EVENTS, type UserRegisteredData } from './events.js';
import type { UserRow } from './mappers.js';
import type { UserSettings } from './options.js';
import { normalizeEmail, type UserContext } from './users.js';

const EMAIL_INDEX = 'users_email_unique';
const DEFAULT_LOCALE = 'id-ID';

/** What registration needs (the `RegisterInput` schema). */
export interface RegistrationInput {
  email: string;
  password: string;
  name: string;
  phone?: string | null;
  locale?: string;
}

/**
 * Registers a user: a saga across two services, since the user service owns the profile and auth
 * the credential, and no transaction may wait on another service.
 *
 * 1. reserve the email with a `pending` user row (the unique index makes concurrent attempts 409);
 * 2. ask auth to store the credential; if it refuses, drop the reservation;
 * 3. activate the row and publish `user.registered` in one transaction.
 *
 * A process that dies between 1 and 3 leaves a pending row that nobody sees and that the next
 * registration with that email clears once it is older than the configured time.
 */
export async function registerUser(ctx: UserContext, settings: UserSettings, input: RegistrationInput): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  assertPasswordAvoidsName(input.password, input.name);
  const now = ctx.clock.now();
  const reservation: Insertable<UserDatabase['users']> = {
    id: newId('usr'),
    email,
    email_verified: false,
    name: input.name,
    phone: input.phone ?? null,
    locale: input.locale ?? DEFAULT_LOCALE,
    status: 'pending',
    created_at: now,
    updated_at: now,
  };
  const userId = reservation.id;

  if (!(await reserve(ctx, reservation))) {
    if (!(await clearStaleReservation(ctx, settings, email)) || !(await reserve(ctx, reservation))) throw userErrors.USER_EMAIL_TAKEN();
  }

  try {
    await ctx.clients.auth.createCredential({ body: { userId, email, password: input.password } });
  } catch (error) {
    await dropReservation(ctx, userId, error);
    throw translateCredentialError(error);
  }

  const user = await ctx.transaction(async (tx) => {
    const row = await tx.db
      .updateTable('users')
      .set({ status: 'active', updated_at: ctx.clock.now() })
      .where('id', '=', userId)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (row) await tx.publish<UserRegisteredData>({ type: USER_EVENTS.registered, subject: userId, data: { userId, email, name: row.name } });
    return row;
  });
  if (!user) {
    // Auth answered so late that another registration took this reservation for a crashed one.
    await forgetCredential(ctx, userId);
    throw platformErrors.SERVICE_UNAVAILABLE('Registration took too long; try again');
  }
  return user;
}

/** What OpenID Connect provisioning needs (the `ProvisionUserInput` schema). */
export interface ProvisionInput {
  email: string;
  name: string;
  emailVerified: boolean;
}

/**
 * Finds the user with this email, or creates an active one without a password. An existing user is
 * handed over only when the identity provider vouches for the email; it then counts as verified.
 */
export async function provisionUser(ctx: UserContext, settings: UserSettings, input: ProvisionInput): Promise<{ user: UserRow; created: boolean }> {
  const email = normalizeEmail(input.email);
  // Each pass either answers or lost a race (a concurrent create, a stale reservation cleared); a
  // third loss in a row means the email is genuinely contended.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    if (existing?.status === 'pending') {
      if (await clearStaleReservation(ctx, settings, email)) continue;
      throw userErrors.USER_EMAIL_TAKEN('A registration with this email is in progress');
    }
    if (existing) {
      if (!input.emailVerified) throw userErrors.USER_EMAIL_UNVERIFIED();
      if (existing.email_verified) return { user: existing, created: false };
      const verified = await ctx.db
        .updateTable('users')
        .set({ email_verified: true, updated_at: ctx.clock.now() })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirst();
      if (verified) return { user: verified, created: false };
      continue;
    }
    const created = await createActiveUser(ctx, { email, name: input.name, emailVerified: input.emailVerified });
    if (created) return { user: created, created: true };
  }
  throw userErrors.USER_EMAIL_TAKEN();
}

/** Inserts an active user and announces it; undefined when the email was taken meanwhile. */
async function createActiveUser(ctx: UserContext, input: { email: string; name: string; emailVerified: boolean }): Promise<UserRow | undefined> {
  const now = ctx.clock.now();
  try {
    return await ctx.transaction(async (tx) => {
      const row = await tx.db
        .insertInto('users')
        .values({
          id: newId('usr'),
          email: input.email,
          email_verified: input.emailVerified,
          name: input.name,
          phone: null,
          locale: DEFAULT_LOCALE,
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.publish<UserRegisteredData>({ type: USER_EVENTS.registered, subject: row.id, data: { userId: row.id, email: row.email, name: row.name } });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_INDEX)) return undefined;
    throw error;
  }
}

/** Step 1: inserts the pending row; false when the email is already held. */
async function reserve(ctx: UserContext, row: Insertable<UserDatabase['users']>): Promise<boolean> {
  try {
    await ctx.db.insertInto('users').values(row).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_INDEX)) return false;
    throw error;
  }
}

/**
 * Removes a pending reservation of `email` older than the configured time, together with any
 * credential its crashed registration may have left in auth. True when there was one.
 */
async function clearStaleReservation(ctx: UserContext, settings: UserSettings, email: string): Promise<boolean> {
  const cutoff = new Date(ctx.clock.now().getTime() - settings.pendingRegistrationTtlMs);
  const stale = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  if (!stale) return false;
  // Credential first: if this fails the reservation stays, and the next attempt tries again.
  await ctx.clients.auth.deleteCredential({ params: { userId: stale.id } });
  await ctx.db.deleteFrom('users').where('id', '=', stale.id).where('status', '=', 'pending').execute();
  ctx.log.info({ userId: stale.id }, 'cleared a registration that never finished');
  return true;
}

/**
 * Compensation of step 1. A 4xx from auth means it stored nothing; after anything else (a 5xx, a
 * timeout) it may have, so the credential is removed first, and the reservation kept when even
 * that fails: the stale-reservation clean-up finishes the job later.
 */
async function dropReservation(ctx: UserContext, userId: string, cause: unknown): Promise<void> {
  const authStoredNothing = cause instanceof TokoBapakError && cause.status >= 400 && cause.status < 500;
  if (!authStoredNothing && !(await forgetCredential(ctx, userId))) return;
  await ctx.db.deleteFrom('users').where('id', '=', userId).where('status', '=', 'pending').execute();
}

/** Best-effort removal of a credential in auth; false (and logged) when auth cannot be reached. */
async function forgetCredential(ctx: UserContext, userId: string): Promise<boolean> {
  try {
    await ctx.clients.auth.deleteCredential({ params: { userId } });
    return true;
  } catch (error) {
    ctx.log.warn({ err: error, userId }, 'could not remove the credential of an unfinished registration');
    return false;
  }
}

/** Auth's refusals, in the user service's words; anything else passes through unchanged. */
function translateCredentialError(error: unknown): unknown {
  if (!(error instanceof TokoBapakError)) return error;
  switch (error.code) {
    case 'AUTH_EMAIL_TAKEN':
      return userErrors.USER_EMAIL_TAKEN();
    case 'AUTH_WEAK_PASSWORD':
      return userErrors.USER_WEAK_PASSWORD(error.problem.detail);
    default:
      return error;
  }
}

/**
 * Auth judges the password against the email; only the user service knows the name, so it refuses
 * passwords built from it here (words of four letters or more).
 */
function assertPasswordAvoidsName(password: string, name: string): void {
  const lowered = password.toLowerCase();
  const words = name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 4);
  if (words.some((word) => lowered.includes(word))) throw userErrors.USER_WEAK_PASSWORD('The password must not contain your name');
}
