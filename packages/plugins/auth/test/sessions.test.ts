import { TokoBapakError } from '@tokobapak/sdk';
import type { TestServer } from '@tokobapak/server/testing';
import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { AuthDatabase } from '../src/database.js';
import { rotateRefreshToken } from '../src/sessions.js';
import { createAccount, signIn, startAuthServer } from './support/auth-server.js';

let server: TestServer;

// Time is injected, so a refresh token can be made to expire without waiting 30 days.
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  server = await startAuthServer({}, { accessTokenTtl: 60, clock });
});
afterEach(() => {
  offsetMs = 0;
});
afterAll(async () => {
  await server?.close();
});

function auth(): Kysely<AuthDatabase> {
  return server.database.db.withSchema('auth');
}

async function refusal(promise: Promise<unknown>): Promise<TokoBapakError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TokoBapakError);
  return error as TokoBapakError;
}

describe('login', () => {
  test('the right password gives an access token and a refresh token', async () => {
    const account = await createAccount(server, 'siti@example.com');
    const pair = await server.client().auth.login({ body: { email: 'siti@example.com', password: account.password } });
    expect(pair).toMatchObject({ tokenType: 'Bearer', userId: account.userId, expiresIn: 60 });
    expect(pair.refreshToken).toMatch(/^rt_/);
    expect(pair.sessionId).toMatch(/^ses_/);
  });

  test('emails are matched case-insensitively', async () => {
    const account = await createAccount(server, 'budi@example.com');
    const pair = await server.client().auth.login({ body: { email: 'Budi@Example.com', password: account.password } });
    expect(pair.userId).toBe(account.userId);
  });

  test('a wrong password and an unknown email get the same answer', async () => {
    await createAccount(server, 'ani@example.com');
    const wrong = await refusal(server.client().auth.login({ body: { email: 'ani@example.com', password: 'not the password' } }));
    const unknown = await refusal(server.client().auth.login({ body: { email: 'nobody@example.com', password: 'not the password' } }));
    expect([wrong.status, wrong.code]).toEqual([401, 'AUTH_INVALID_CREDENTIALS']);
    expect([unknown.status, unknown.code]).toEqual([401, 'AUTH_INVALID_CREDENTIALS']);
    expect(wrong.problem.detail).toBe(unknown.problem.detail);
  });
});

describe('refresh tokens', () => {
  test('refreshing rotates the refresh token and keeps the session', async () => {
    const account = await createAccount(server, 'rotate@example.com');
    const client = server.client();
    const first = await client.auth.login({ body: { email: account.email, password: account.password } });
    const second = await client.auth.refreshToken({ body: { refreshToken: first.refreshToken } });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.sessionId).toBe(first.sessionId);
    const third = await client.auth.refreshToken({ body: { refreshToken: second.refreshToken } });
    expect(third.userId).toBe(account.userId);
  });

  test('reusing a rotated refresh token revokes the whole family', async () => {
    const account = await createAccount(server, 'stolen@example.com');
    const client = server.client();
    const original = await client.auth.login({ body: { email: account.email, password: account.password } });
    const rotated = await client.auth.refreshToken({ body: { refreshToken: original.refreshToken } });

    // An attacker replays the copied, already-rotated token.
    const reuse = await refusal(client.auth.refreshToken({ body: { refreshToken: original.refreshToken } }));
    expect([reuse.status, reuse.code]).toEqual([401, 'AUTH_REFRESH_TOKEN_REUSED']);

    // The legitimate holder's newer token died with the family.
    const after = await refusal(client.auth.refreshToken({ body: { refreshToken: rotated.refreshToken } }));
    expect([after.status, after.code]).toEqual([401, 'AUTH_REFRESH_TOKEN_INVALID']);

    // Other sessions of the same user are untouched.
    const other = await server.client().auth.login({ body: { email: account.email, password: account.password } });
    await expect(server.client().auth.refreshToken({ body: { refreshToken: other.refreshToken } })).resolves.toMatchObject({ userId: account.userId });
  });

  test('of many concurrent refreshes with one token exactly one is honoured, and the race revokes the session', async () => {
    const account = await createAccount(server, 'race@example.com');
    const { refreshToken, sessionId } = await server.client().auth.login({ body: { email: account.email, password: account.password } });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => server.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } })),
    );
    const winners = responses.filter((response) => response.statusCode === 200);
    expect(winners).toHaveLength(1);
    const losers = responses.filter((response) => response.statusCode !== 200);
    expect(losers.map((response) => response.statusCode)).toEqual(Array.from({ length: 19 }, () => 401));
    const codes = losers.map((response) => response.json().code as string);
    expect(codes.every((code) => code === 'AUTH_REFRESH_TOKEN_REUSED' || code === 'AUTH_REFRESH_TOKEN_INVALID')).toBe(true);
    // A second use of a spent token is a reuse, racing or not (docs/security.md, "Sessions"): the first loser revokes the family.
    expect(codes).toContain('AUTH_REFRESH_TOKEN_REUSED');

    // So the winner's new token died with the family too, and only one token was ever issued from the race.
    const winner = winners[0]?.json() as { refreshToken: string; sessionId: string };
    expect(winner.sessionId).toBe(sessionId);
    const after = await refusal(server.client().auth.refreshToken({ body: { refreshToken: winner.refreshToken } }));
    expect([after.status, after.code]).toEqual([401, 'AUTH_REFRESH_TOKEN_INVALID']);
    const family = await auth()
      .selectFrom('refresh_tokens')
      .select(['rotated_at', 'revoked_at', 'revoked_reason'])
      .where('family_id', '=', sessionId)
      .execute();
    expect(family).toHaveLength(2);
    expect(family.filter((row) => row.rotated_at !== null)).toHaveLength(1);
    expect(family.map((row) => row.revoked_reason)).toEqual(['reuse-detected', 'reuse-detected']);
  });

  test('an expired refresh token is refused as invalid and revokes nothing', async () => {
    const account = await createAccount(server, 'expired@example.com');
    const { refreshToken, sessionId } = await server.client().auth.login({ body: { email: account.email, password: account.password } });
    offsetMs = 31 * 24 * 3600 * 1000; // past the default 30-day lifetime
    const error = await refusal(server.client().auth.refreshToken({ body: { refreshToken } }));
    expect([error.status, error.code]).toEqual([401, 'AUTH_REFRESH_TOKEN_INVALID']);
    const family = await auth().selectFrom('refresh_tokens').select(['rotated_at', 'revoked_at']).where('family_id', '=', sessionId).execute();
    expect(family).toEqual([{ rotated_at: null, revoked_at: null }]);
  });

  test('a token whose account is gone is refused as invalid', async () => {
    const account = await createAccount(server, 'gone@example.com');
    const { refreshToken } = await server.client().auth.login({ body: { email: account.email, password: account.password } });
    await auth().deleteFrom('credentials').where('user_id', '=', account.userId).execute();
    const error = await refusal(server.client().auth.refreshToken({ body: { refreshToken } }));
    expect([error.status, error.code]).toEqual([401, 'AUTH_REFRESH_TOKEN_INVALID']);
  });

  test('refreshing a session without a store is one statement', async () => {
    const account = await createAccount(server, 'one-statement@example.com');
    const first = await server.client().auth.login({ body: { email: account.email, password: account.password } });
    // Counts statements executed (every query's result passes through a plugin, compiled ahead or not).
    let statements = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements += 1;
        return args.result;
      },
    };
    const settings = { tokens: server.tokens, refreshTokenTtlSeconds: 3600, now: () => new Date() };
    const confirmStore = async (): Promise<never> => {
      throw new Error('not a store session');
    };
    const pair = await rotateRefreshToken(auth().withPlugin(counting), settings, first.refreshToken, confirmStore);
    expect(statements).toBe(1); // with "spent" as (update …), "issued" as (insert …) select …
    expect(pair).toMatchObject({ userId: account.userId, sessionId: first.sessionId, tokenType: 'Bearer' });
    expect(server.tokens.verifyAccessToken(pair.accessToken)).toMatchObject({
      userId: account.userId,
      role: 'customer',
      sessionId: first.sessionId,
      storeId: null,
    });

    // The new token is stored hashed, in the same family, and works.
    const stored = await auth()
      .selectFrom('refresh_tokens')
      .select(['token_hash', 'rotated_at'])
      .where('family_id', '=', first.sessionId)
      .orderBy('id')
      .execute();
    expect(stored).toHaveLength(2);
    expect(stored.map((row) => row.token_hash)).not.toContain(pair.refreshToken);
    expect(stored.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
    await expect(server.client().auth.refreshToken({ body: { refreshToken: pair.refreshToken } })).resolves.toMatchObject({ sessionId: first.sessionId });
  });

  test('an unknown refresh token is refused', async () => {
    const error = await refusal(server.client().auth.refreshToken({ body: { refreshToken: 'rt_made-up' } }));
    expect([error.status, error.code]).toEqual([401, 'AUTH_REFRESH_TOKEN_INVALID']);
  });

  test('logout revokes the session it was called from, and only that one', async () => {
    const account = await createAccount(server, 'bye@example.com');
    const other = await server.client().auth.login({ body: { email: account.email, password: account.password } });
    const session = server.client();
    const mine = await session.auth.login({ body: { email: account.email, password: account.password } });
    await session.auth.logout();
    const error = await refusal(server.client().auth.refreshToken({ body: { refreshToken: mine.refreshToken } }));
    expect(error.code).toBe('AUTH_REFRESH_TOKEN_INVALID');
    await expect(server.client().auth.refreshToken({ body: { refreshToken: other.refreshToken } })).resolves.toMatchObject({ userId: account.userId });
  });
});

describe('password change', () => {
  test('needs the current password, then revokes every session', async () => {
    const account = await createAccount(server, 'change@example.com');
    const client = await signIn(server, account.email, account.password);
    const elsewhere = await server.client().auth.login({ body: { email: account.email, password: account.password } });

    const wrong = await refusal(client.auth.changePassword({ body: { currentPassword: 'nope', newPassword: 'a brand new secret' } }));
    expect([wrong.status, wrong.code]).toEqual([403, 'AUTH_CURRENT_PASSWORD_WRONG']);

    await client.auth.changePassword({ body: { currentPassword: account.password, newPassword: 'a brand new secret' } });
    expect((await refusal(server.client().auth.refreshToken({ body: { refreshToken: elsewhere.refreshToken } }))).code).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect((await refusal(server.client().auth.login({ body: { email: account.email, password: account.password } }))).code).toBe('AUTH_INVALID_CREDENTIALS');
    await expect(server.client().auth.login({ body: { email: account.email, password: 'a brand new secret' } })).resolves.toBeDefined();
  });

  test('refuses a guessable new password', async () => {
    const account = await createAccount(server, 'weakling@example.com');
    const client = await signIn(server, account.email, account.password);
    const error = await refusal(client.auth.changePassword({ body: { currentPassword: account.password, newPassword: '1234567890' } }));
    expect([error.status, error.code]).toEqual([400, 'AUTH_WEAK_PASSWORD']);
  });
});

describe('throttling', () => {
  test('after five failures from one address even the right password waits', async () => {
    const account = await createAccount(server, 'target@example.com');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await refusal(server.client().auth.login({ body: { email: account.email, password: 'guess' } }))).status).toBe(401);
    }
    const throttled = await server.app.inject({ method: 'POST', url: '/auth/login', payload: { email: account.email, password: account.password } });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('AUTH_LOGIN_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('fifty guesses at once cannot slip past the limit', async () => {
    const account = await createAccount(server, 'burst@example.com');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => server.app.inject({ method: 'POST', url: '/auth/login', payload: { email: account.email, password: 'guess' } })),
    );
    const checked = responses.filter((response) => response.statusCode === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(responses.filter((response) => response.statusCode === 429).length).toBeGreaterThanOrEqual(45);
  });
});

describe('roles', () => {
  test('only admins change roles, and the new role arrives with the next sign-in', async () => {
    const adminServer = server;
    const customer = await createAccount(adminServer, 'plain@example.com');
    const customerClient = await signIn(adminServer, customer.email, customer.password);
    const refused = await refusal(customerClient.auth.setUserRole({ params: { userId: customer.userId }, body: { role: 'admin' } }));
    expect([refused.status, refused.code]).toEqual([403, 'FORBIDDEN']);

    const adminToken = adminServer.tokens.signAccessToken({
      userId: 'usr_00000000000000000000000000',
      role: 'admin',
      sessionId: 'ses_00000000000000000000000000',
    });
    const admin = adminServer.client({ accessToken: adminToken });
    await expect(admin.auth.setUserRole({ params: { userId: customer.userId }, body: { role: 'admin' } })).resolves.toEqual({
      userId: customer.userId,
      role: 'admin',
    });
    const missing = await refusal(admin.auth.setUserRole({ params: { userId: 'usr_0000000000000000000000000z' }, body: { role: 'admin' } }));
    expect([missing.status, missing.code]).toEqual([404, 'AUTH_USER_NOT_FOUND']);
  });
});
