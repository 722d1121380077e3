import type { TokoBapakClient } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { authPlugin } from '../../src/index.js';
import type { AuthPluginOptions } from '../../src/options.js';

/** Cheap Argon2 for tests: the cost is a setting, the algorithm and code path are the real ones. */
export const FAST_HASHING = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** An auth-only server; accounts are created the way the user service creates them. */
export async function startAuthServer(
  options: AuthPluginOptions = {},
  config: Parameters<typeof createTestServer>[0] extends infer C ? Partial<C> : never = {},
): Promise<TestServer> {
  return createTestServer({ plugins: [authPlugin({ passwordCost: FAST_HASHING, ...options })], apiKeyCacheSeconds: 0, ...config });
}

/** Creates a credential through `auth.createCredential`, as the user service does at registration. */
export async function createAccount(
  server: TestServer,
  email: string,
  password = 'correct horse battery',
): Promise<{ userId: string; email: string; password: string }> {
  const asUserService = serviceClient(server, 'user');
  const userId = newId('usr');
  await asUserService.auth.createCredential({ body: { userId, email, password } });
  return { userId, email, password };
}

/** A client signed in as the given account. */
export async function signIn(server: TestServer, email: string, password: string): Promise<TokoBapakClient> {
  const client = server.client();
  await client.auth.login({ body: { email, password } });
  return client;
}
