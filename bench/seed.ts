import { randomBytes } from 'node:crypto';
import { createClient, type StoredTokens, type TokenStore } from '@tokobapak/sdk';
import { createTokenService, newId } from '@tokobapak/server';

/** A seeded account and the token pair of its first sign-in. */
export interface SeededUser {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** How accounts are created: `client.user.register`, or (auth alone) `client.auth.createCredential` as the user service. */
export type SeedMode = { kind: 'register' } | { kind: 'credential'; secret: string };

// The harness keeps every token itself; a store that keeps nothing stops the client from sending one.
const noTokenStore: TokenStore = { get: (): StoredTokens | undefined => undefined, set: () => {} };

/**
 * Creates `count` accounts through the HTTP API and signs each in once, `concurrency` at a time
 * (both steps cost an Argon2id hash, so more in flight than the hashing threads only queues).
 */
export async function seedUsers(baseUrl: string, count: number, mode: SeedMode, concurrency = 8): Promise<SeededUser[]> {
  const client = createClient({ baseUrl, tokenStore: noTokenStore, autoRefresh: false });
  const serviceCredential = mode.kind === 'credential' ? createTokenService({ secret: mode.secret }).signServiceToken('user') : undefined;
  const asUserService = serviceCredential ? createClient({ baseUrl, tokenStore: noTokenStore, autoRefresh: false, serviceCredential }) : undefined;
  const run = randomBytes(3).toString('hex');

  return mapLimit(count, concurrency, async (index) => {
    const email = `pembeli-${run}-${index}@example.com`;
    // Unique per account, and sharing no word with the name or the email (both are refused).
    const password = `Rahasia-${randomBytes(6).toString('hex')}-${index}!`;
    let userId: string;
    if (asUserService) {
      userId = newId('usr');
      await asUserService.auth.createCredential({ body: { userId, email, password } });
    } else {
      const user = await client.user.register({ body: { email, password, name: `Pembeli Uji ${index}` } });
      userId = user.id;
    }
    const pair = await client.auth.login({ body: { email, password } });
    return { userId, email, password, accessToken: pair.accessToken, refreshToken: pair.refreshToken };
  });
}

/** Starts `count` more sessions (refresh-token families) by signing seeded users in again, round robin. */
export async function startSessions(baseUrl: string, users: SeededUser[], count: number, concurrency = 8): Promise<string[]> {
  const client = createClient({ baseUrl, tokenStore: noTokenStore, autoRefresh: false });
  return mapLimit(count, concurrency, async (index) => {
    const user = users[index % users.length] as SeededUser;
    const pair = await client.auth.login({ body: { email: user.email, password: user.password } });
    return pair.refreshToken;
  });
}

async function mapLimit<T>(count: number, concurrency: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await fn(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
