import type { HandlerContext } from '@tokobapak/server';
import { findLiveKey } from './api-keys.js';
import type { AuthDatabase } from './database.js';
import { mayHoldStoreKeys, membershipIn } from './store-access.js';

/** What a verified key grants: who it acts for, its scopes, and the store it is bound to. */
export interface KeyVerification {
  keyId: string;
  userId: string;
  scopes: string[];
  storeId: string | null;
}

/**
 * Verifies a key for `verifyApiKey` and for the runtime's API key port alike: the grant, or why it
 * is refused (`undefined` for an unknown, revoked or expired key). Calls the merchant service for a
 * store key, so never inside a transaction.
 */
export async function verifyApiKeySecret(
  ctx: Pick<HandlerContext<AuthDatabase>, 'db' | 'clients' | 'clock'>,
  secret: string,
): Promise<{ verification: KeyVerification } | { refusal: string | undefined }> {
  const row = await findLiveKey(ctx.db, secret, ctx.clock.now());
  if (!row) return { refusal: undefined };
  if (row.store_id) {
    const suspended = await ctx.db.selectFrom('suspended_stores').select('store_id').where('store_id', '=', row.store_id).executeTakeFirst();
    if (suspended) return { refusal: 'The store this key acts in is suspended' };
    // The key may not outlive its holder's standing in the store: a manager demoted to staff,
    // or no longer a member, loses every store key at its next verification (the runtime
    // remembers a verification for apiKeyCacheSeconds, 30 s by default). Checking here, rather
    // than on a role-change event, also catches a key created while the demotion committed.
    const membership = await membershipIn(ctx, row.store_id, row.user_id);
    if (!mayHoldStoreKeys(membership?.role)) {
      await ctx.db.updateTable('api_keys').set({ revoked_at: ctx.clock.now() }).where('id', '=', row.id).where('revoked_at', 'is', null).execute();
      return { refusal: "The key's holder no longer runs this store" };
    }
  }
  return { verification: { keyId: row.id, userId: row.user_id, scopes: row.scopes as string[], storeId: row.store_id } };
}
