import type { AuthComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import type { Kysely, Selectable } from 'kysely';
import type { AuthDatabase } from './database.js';
import { hashSecret, randomSecret } from './secrets.js';

type ApiKeyRow = Selectable<AuthDatabase['api_keys']>;

/** The `ApiKey` schema: what a key's owner may see (never the secret or its hash). */
export function toApiKey(row: ApiKeyRow): AuthComponents['schemas']['ApiKey'] {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as AuthComponents['schemas']['ApiKeyScope'][],
    storeId: row.store_id,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

/** Creates a key; the returned secret is shown once and only its SHA-256 is kept. */
export async function createApiKey(
  db: Kysely<AuthDatabase>,
  input: { userId: string; name: string; scopes: string[]; storeId: string | null; expiresAt: string | null; now: Date },
): Promise<{ row: ApiKeyRow; secret: string }> {
  const secret = randomSecret('tbk');
  const row = await db
    .insertInto('api_keys')
    .values({
      id: newId('key'),
      user_id: input.userId,
      name: input.name,
      prefix: secret.slice(0, 12),
      secret_hash: hashSecret(secret),
      scopes: input.scopes,
      store_id: input.storeId,
      created_at: input.now,
      expires_at: input.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, secret };
}

/** Finds a live key by its secret; records use at most once a minute to keep verification read-mostly. */
export async function findLiveKey(db: Kysely<AuthDatabase>, secret: string, now: Date): Promise<ApiKeyRow | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hashSecret(secret)).executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && new Date(row.expires_at) <= now)) return undefined;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return row;
}
