import { type Caller, type HandlerContext, platformErrors, requireUser } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { UserDatabase } from './database.js';
import type { UserEvents } from './generated/manifest.js';
import type { UserRow } from './mappers.js';

/** What the domain code needs from a handler's context. */
export type UserContext = Pick<HandlerContext<UserDatabase, UserEvents>, 'db' | 'transaction' | 'clients' | 'clock' | 'log' | 'processes'>;

/** Runs a function in one transaction of the user schema. */
export type Transact = UserContext['transaction'];

type Db = Kysely<UserDatabase>;

/** Emails compare case-insensitively and without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A user that operations may see: never a pending registration. */
export async function findUser(db: Db, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).where('status', '!=', 'pending').executeTakeFirst();
}

/**
 * The account a `/user/me` call acts on. A token outlives the account it was issued for (access
 * tokens are not checked against the database), so a missing account means the credential no
 * longer stands for anyone: 401, like any other dead credential.
 */
export async function requireAccount(db: Db, userId: string): Promise<UserRow> {
  const row = await findUser(db, userId);
  if (!row) throw accountGone();
  return row;
}

/** The signed-in caller's user id, once their account is known to still exist. */
export async function signedInAccount(db: Db, caller: Caller): Promise<string> {
  const { userId } = requireUser(caller);
  await requireAccount(db, userId);
  return userId;
}

/**
 * Locks the caller's user row for the rest of the transaction. Every change to which address or
 * payment method is the default takes this lock first, so two concurrent requests of one user run
 * one after the other, and nothing is added to an account that a concurrent deletion removed.
 */
export async function lockAccount(db: Db, userId: string): Promise<void> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).where('status', '!=', 'pending').forUpdate().executeTakeFirst();
  if (!row) throw accountGone();
}

/** The answer to a credential whose account no longer exists. */
export function accountGone() {
  return platformErrors.UNAUTHENTICATED('The account this credential belongs to no longer exists');
}
