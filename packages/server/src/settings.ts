import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { PLATFORM_SCHEMA } from './platform-migrations.js';
import { qualifiedBySchema } from './schema-qualified.js';

/**
 * The platform secret signs access tokens and service credentials. When the operator gives none,
 * the first process to start generates one and keeps it in the database, so every process sharing
 * that database (e.g. `--services auth` and `--services user`) agrees on it with no set-up.
 */
export async function loadPlatformSecret(db: Kysely<unknown>): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: runtime-owned table without generated types
  const settings = qualifiedBySchema(db as Kysely<any>, PLATFORM_SCHEMA);
  await settings
    .insertInto('settings')
    .values({ key: 'platform_secret', value: randomBytes(48).toString('base64url') })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const row = await settings.selectFrom('settings').select('value').where('key', '=', 'platform_secret').executeTakeFirstOrThrow();
  return row.value as string;
}
