import { eventTypes } from '@tokobapak/sdk';
import { isUniqueViolation, newId, platformErrors } from '@tokobapak/server';
import { userErrors } from './errors.js';
import type { UserRow } from './mappers.js';
import type { UserSettings } from './options.js';
import type { RegistrationProcess, RegistrationRecord } from './registration-process.js';
import { clearStaleReservation, EMAIL_INDEX } from './stale-reservations.js';
import { normalizeEmail, type UserContext } from './users.js';

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
 * Registers a user through the durable registration process (see `registration-process.ts`), keyed
 * by the new user id. Answers the active user, or throws what made the process fail after it undid
 * its steps.
 */
export async function registerUser(ctx: UserContext, registration: RegistrationProcess, input: RegistrationInput): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  assertPasswordAvoidsName(input.password, input.name);
  const userId = newId('usr');
  const record: RegistrationRecord = { userId, email, name: input.name, phone: input.phone ?? null, locale: input.locale ?? DEFAULT_LOCALE };
  const run = await ctx.processes.start(registration, { key: userId, input: record, transient: { password: input.password } });
  if (run.status === 'succeeded') {
    const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', userId).where('status', '=', 'active').executeTakeFirst();
    if (user) return user;
  }
  if (run.cause !== undefined) throw run.cause;
  throw platformErrors.SERVICE_UNAVAILABLE('Registration took too long; try again');
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
      await tx.publish({ type: eventTypes.user.registered, subject: row.id, data: { userId: row.id, email: row.email, name: row.name } });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_INDEX)) return undefined;
    throw error;
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
