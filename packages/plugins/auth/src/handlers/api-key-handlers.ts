import { decodeCursorMatching, requireApiKey, requireUser, toPage } from '@tokobapak/server';
import { createApiKey, toApiKey } from '../api-keys.js';
import { authErrors } from '../errors.js';
import { verifyApiKeySecret } from '../key-verification.js';
import { mayHoldStoreKeys, storeRoleOf } from '../store-access.js';
import type { AuthHandlers } from './types.js';

/** Merchant API keys: issue, list, revoke, and verification for the runtime. */
export function apiKeyHandlers(): Pick<AuthHandlers, 'createApiKey' | 'listApiKeys' | 'getApiKeySelf' | 'verifyApiKey' | 'revokeApiKey'> {
  return {
    async createApiKey({ body }, ctx) {
      const { userId } = requireUser(ctx.caller);
      if (body.storeId && !mayHoldStoreKeys(await storeRoleOf(ctx, body.storeId, userId))) {
        throw authErrors.AUTH_STORE_ACCESS_DENIED('Only the owner or a manager may create keys for the store');
      }
      if (body.expiresAt && new Date(body.expiresAt) <= ctx.clock.now()) throw authErrors.AUTH_API_KEY_EXPIRY_IN_PAST();
      const { row, secret } = await createApiKey(ctx.db, {
        userId,
        name: body.name,
        scopes: body.scopes,
        storeId: body.storeId ?? null,
        expiresAt: body.expiresAt ?? null,
        now: ctx.clock.now(),
      });
      return { apiKey: toApiKey(row), secret };
    },

    async listApiKeys({ query }, ctx) {
      const { userId } = requireUser(ctx.caller);
      const limit = query.limit ?? 20;
      const after = decodeCursorMatching(query.cursor, /^key_[0-9a-z]{26}$/);
      let select = ctx.db.selectFrom('api_keys').selectAll().where('user_id', '=', userId);
      if (after) select = select.where('id', '>', after);
      const rows = await select
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, (row) => row.id, toApiKey);
    },

    async getApiKeySelf(_request, ctx) {
      const { keyId } = requireApiKey(ctx.caller);
      const row = await ctx.db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
      if (!row) throw authErrors.AUTH_API_KEY_NOT_FOUND();
      return toApiKey(row);
    },

    async verifyApiKey({ body }, ctx) {
      const verified = await verifyApiKeySecret(ctx, body.key);
      if ('refusal' in verified) throw authErrors.AUTH_API_KEY_INVALID(verified.refusal);
      return { ...verified.verification, scopes: verified.verification.scopes as never };
    },

    async revokeApiKey({ params }, ctx) {
      const { userId } = requireUser(ctx.caller);
      const row = await ctx.db
        .selectFrom('api_keys')
        .select(['id', 'revoked_at'])
        .where('id', '=', params.keyId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      // Another user's key answers exactly like a missing one.
      if (!row) throw authErrors.AUTH_API_KEY_NOT_FOUND();
      if (!row.revoked_at) await ctx.db.updateTable('api_keys').set({ revoked_at: ctx.clock.now() }).where('id', '=', row.id).execute();
    },
  };
}
