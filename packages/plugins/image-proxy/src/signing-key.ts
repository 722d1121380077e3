import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ImageProxyDatabase } from './database.js';

const SETTING = 'variant_signing_key';

/**
 * The generated signing key, created on first start. Insert-then-read, so that processes starting
 * at once against one database all end up with the same key.
 */
export async function loadSigningKey(db: Kysely<ImageProxyDatabase>): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key: SETTING, value: randomBytes(32).toString('base64url') })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow();
  return row.value;
}
