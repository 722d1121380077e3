import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';

// Time is injected: moving it past the access token's lifetime needs no waiting.
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({
    clock,
    accessTokenTtl: 60,
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin()],
  });
});
afterAll(async () => {
  await server?.close();
});

test('the SDK refreshes an expired access token once, transparently, for concurrent calls', async () => {
  const client = server.client();
  await client.user.register({ body: { email: 'sesi@example.com', password: 'correct horse battery staple', name: 'Sesi' } });
  const first = await client.auth.login({ body: { email: 'sesi@example.com', password: 'correct horse battery staple' } });

  offsetMs = 61_000;
  const expired = await server.app.inject({ method: 'GET', url: '/user/me', headers: { authorization: `Bearer ${first.accessToken}` } });
  expect(expired.statusCode).toBe(401);
  expect(expired.json().code).toBe('TOKEN_EXPIRED');

  // Five calls at once share one refresh; a second refresh with the spent token would revoke the session.
  const profiles = await Promise.all(Array.from({ length: 5 }, () => client.user.getProfile()));
  expect(new Set(profiles.map((profile) => profile.email))).toEqual(new Set(['sesi@example.com']));
  const refreshes = await server.database.db
    .withSchema('auth')
    .selectFrom('refresh_tokens')
    .select(['rotated_at', 'revoked_at'])
    .where('user_id', '=', first.userId)
    .execute();
  expect(refreshes.filter((row) => row.rotated_at !== null)).toHaveLength(1);
  expect(refreshes.filter((row) => row.revoked_at !== null)).toHaveLength(0);
});

test('after logout the SDK holds no tokens', async () => {
  const client = server.client();
  await client.auth.login({ body: { email: 'sesi@example.com', password: 'correct horse battery staple' } });
  await client.auth.logout();
  await expect(client.user.getProfile()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
});
