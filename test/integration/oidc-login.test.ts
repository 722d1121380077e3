import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestOidcProvider, type TestOidcProvider } from '../../packages/plugins/auth/test/support/oidc-provider.js';

// The store's public URL only shapes the callback URL; requests reach the server through inject().
const PUBLIC_URL = 'http://127.0.0.1:4999';
const CALLBACK = `${PUBLIC_URL}/auth/oidc/local/callback`;

let provider: TestOidcProvider;
let server: TestServer;

beforeAll(async () => {
  provider = await startTestOidcProvider({
    clientId: 'tokobapak',
    clientSecret: 'a-client-secret-for-tests',
    redirectUris: [CALLBACK],
    accounts: [
      { sub: 'alice-sub', email: 'alice@idp.example', emailVerified: true, name: 'Alice Wonder' },
      { sub: 'mallory-sub', email: 'victim@example.com', emailVerified: false, name: 'Mallory' },
    ],
  });
  server = await createTestServer({
    publicUrl: PUBLIC_URL,
    plugins: [
      authPlugin({
        passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
        allowInsecureOidc: true,
        oidcProviders: [{ id: 'local', name: 'Local IdP', issuer: provider.issuer, clientId: 'tokobapak', clientSecret: 'a-client-secret-for-tests' }],
        env: {},
      }),
      userPlugin(),
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await provider?.close();
});

/** Follows the sign-in as a browser would and returns the callback response from the store. */
async function signInThroughProvider(sub: string, redirectUri?: string) {
  const start = await server.app.inject({
    method: 'GET',
    url: `/auth/oidc/local/authorize${redirectUri ? `?redirectUri=${encodeURIComponent(redirectUri)}` : ''}`,
  });
  expect(start.statusCode).toBe(302);
  const callback = await provider.login(String(start.headers.location), sub);
  expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
  return { callback, response: await server.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` }) };
}

test('the provider is listed', async () => {
  await expect(server.client().auth.listOidcProviders()).resolves.toEqual({ items: [{ id: 'local', name: 'Local IdP' }] });
});

test('a first sign-in creates the account; the next one finds it', async () => {
  const first = await signInThroughProvider('alice-sub', 'https://shop.example/after-login');
  expect(first.response.statusCode).toBe(200);
  const tokens = first.response.json();
  expect(tokens).toMatchObject({ tokenType: 'Bearer', redirectUri: 'https://shop.example/after-login' });

  const client = server.client({ accessToken: tokens.accessToken });
  await expect(client.user.getProfile()).resolves.toMatchObject({ email: 'alice@idp.example', name: 'Alice Wonder', emailVerified: true });

  const second = await signInThroughProvider('alice-sub');
  expect(second.response.json().userId).toBe(tokens.userId);
});

test('a callback is single-use', async () => {
  const { callback } = await signInThroughProvider('alice-sub');
  const replay = await server.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
  expect(replay.statusCode).toBe(400);
  expect(replay.json().code).toBe('AUTH_OIDC_STATE_INVALID');
});

test('an unverified email cannot take over an existing account', async () => {
  await server.client().user.register({ body: { email: 'victim@example.com', password: 'correct horse battery staple', name: 'Victim' } });
  const { response } = await signInThroughProvider('mallory-sub');
  expect(response.statusCode).toBe(409);
  expect(response.json().code).toBe('AUTH_OIDC_ACCOUNT_CONFLICT');
});

test('a user who cancels at the provider gets a clear refusal', async () => {
  const start = await server.app.inject({ method: 'GET', url: '/auth/oidc/local/authorize' });
  const callback = await provider.deny(String(start.headers.location));
  const response = await server.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
  expect(response.statusCode).toBe(400);
  expect(response.json().code).toBe('AUTH_OIDC_DENIED');
});

test('an unknown provider is 404', async () => {
  const response = await server.app.inject({ method: 'GET', url: '/auth/oidc/nowhere/authorize' });
  expect(response.statusCode).toBe(404);
  expect(response.json().code).toBe('AUTH_OIDC_PROVIDER_NOT_FOUND');
});
