import { portOperations, type TokoBapakClient } from '@tokobapak/sdk';
import { platformErrors } from './errors.js';
import type { ApiKeyVerifier } from './security.js';
import { clientNamespace } from './service-clients.js';

const MAX_ENTRIES = 10_000;

/**
 * Remembers the answers of an API key verifier for a short while (30 s by default), so a script's
 * burst of calls costs one lookup. A revoked key therefore stops working within that time in every
 * process.
 */
export function cacheApiKeyVerifier(verify: ApiKeyVerifier, ttlSeconds = 30, now: () => number = Date.now): ApiKeyVerifier {
  const cache = new Map<string, { expires: number; value: Awaited<ReturnType<ApiKeyVerifier>> }>();
  return async (key) => {
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = await verify(key);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    if (ttlSeconds > 0) cache.set(key, { expires: now() + ttlSeconds * 1000, value });
    return value;
  };
}

/** Where a port is served: the operation whose spec declares `x-provides: <port>`. */
export interface PortOperation {
  service: string;
  operationId: string;
}

type VerifyCall = (args: { body: { key: string } }) => Promise<{ keyId: string; userId: string; scopes: string[]; storeId?: string | null }>;

/**
 * The API key port when no loaded plugin provides it: a call to the operation that declares
 * `x-provides: apiKeyVerifier` (auth's `verifyApiKey` today), in this process or at its configured
 * URL, with this process's service credential. A 401 means an unknown, revoked or expired key.
 */
export function remoteApiKeyVerifier(
  client: () => TokoBapakClient,
  port: PortOperation | undefined = (portOperations as Partial<Record<string, PortOperation>>).apiKeyVerifier,
): ApiKeyVerifier {
  return async (key) => {
    const call =
      port &&
      ((client() as unknown as Record<string, Record<string, VerifyCall> | undefined>)[clientNamespace(port.service)]?.[port.operationId] as
        | VerifyCall
        | undefined);
    if (!call)
      throw platformErrors.SERVICE_UNAVAILABLE('No loaded service verifies API keys, and no spec declares an operation with x-provides: apiKeyVerifier');
    try {
      const verified = await call({ body: { key } });
      return { keyId: verified.keyId, userId: verified.userId, scopes: verified.scopes, storeId: verified.storeId ?? null };
    } catch (error) {
      if ((error as { status?: number }).status !== 401) throw error;
      return null;
    }
  };
}
