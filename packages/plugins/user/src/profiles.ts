import type { Kysely, Updateable } from 'kysely';
import type { UserDatabase } from './database.js';
import type { UserRow } from './mappers.js';
import { requireAccount } from './users.js';

/** The changeable part of a profile (the `ProfilePatch` schema). */
export interface ProfilePatch {
  name?: string;
  phone?: string | null;
  locale?: string;
}

/** Applies the fields given; the email is the login and is not among them. */
export async function updateProfile(db: Kysely<UserDatabase>, userId: string, patch: ProfilePatch, now: Date): Promise<UserRow> {
  const changes: Updateable<UserDatabase['users']> = { updated_at: now };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.phone !== undefined) changes.phone = patch.phone;
  if (patch.locale !== undefined) changes.locale = patch.locale;
  const row = await db.updateTable('users').set(changes).where('id', '=', userId).where('status', '!=', 'pending').returningAll().executeTakeFirst();
  return row ?? requireAccount(db, userId);
}
