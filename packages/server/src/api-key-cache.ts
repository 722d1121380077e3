import type { TokoBapakClient } from '@tokobapak/sdk';
import type { ApiKeyVerifier } from './security.js';

const MAX_ENTRIES = 10_000;

/**
 * Verifies merchant API keys through the auth service (`auth.verifyApiKey`), remembering answers
 * for a short while (30 s by default) so a script's burst of calls costs one lookup. A revoked key
 * therefore stops working within that time in every process.
 */
export function createApiKeyVerifier(client: () => TokoBapakClient, ttlSeconds = 30, now: () => number = Date.now): ApiKeyVerifier {
  const cache = new Map<string, { expires: number; value: Awaited<ReturnType<ApiKeyVerifier>> }>();
  return async (key) => {
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.value;
    let value: Awaited<ReturnType<ApiKeyVerifier>>;
    try {
      const verified = await client().auth.verifyApiKey({ body: { key } });
      value = { keyId: verified.keyId, userId: verified.userId, scopes: verified.scopes, storeId: verified.storeId ?? null };
    } catch (error) {
      if ((error as { status?: number }).status !== 401) throw error;
      value = null;
    }
    if (cache.size >= MAX_ENTRIES) cache.clear();
    if (ttlSeconds > 0) cache.set(key, { expires: now() + ttlSeconds * 1000, value });
    return value;
  };
}
