import type { TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAccount, signIn, startAuthServer } from './support/auth-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startAuthServer();
});
afterAll(async () => {
  await server?.close();
});

test('a key is shown once, stored hashed, and authenticates scripts', async () => {
  const account = await createAccount(server, 'script@example.com');
  const owner = await signIn(server, account.email, account.password);
  const created = await owner.auth.createApiKey({ body: { name: 'nightly sync', scopes: ['profile:read'] } });
  expect(created.secret).toMatch(/^tbk_/);
  expect(created.apiKey.prefix).toBe(created.secret.slice(0, 12));

  const stored = await server.database.db.withSchema('auth').selectFrom('api_keys').selectAll().where('id', '=', created.apiKey.id).executeTakeFirstOrThrow();
  expect(JSON.stringify(stored)).not.toContain(created.secret);

  const script = server.client({ apiKey: created.secret });
  await expect(script.auth.getApiKeySelf()).resolves.toMatchObject({ id: created.apiKey.id, scopes: ['profile:read'] });

  const listed = await owner.auth.listApiKeys();
  expect(JSON.stringify(listed)).not.toContain(created.secret);
  expect(listed.items.map((key) => key.id)).toContain(created.apiKey.id);
});

test('a key without the scope an operation needs is refused with 403', async () => {
  const account = await createAccount(server, 'narrow@example.com');
  const owner = await signIn(server, account.email, account.password);
  const { secret } = await owner.auth.createApiKey({ body: { name: 'orders only', scopes: ['orders:read'] } });
  const response = await server.app.inject({ method: 'GET', url: '/auth/api-keys/self', headers: { 'x-api-key': secret } });
  expect(response.statusCode).toBe(403);
  expect(response.json()).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
});

test('a revoked or unknown key is refused with 401; another user cannot revoke it', async () => {
  const account = await createAccount(server, 'revoker@example.com');
  const owner = await signIn(server, account.email, account.password);
  const { secret, apiKey } = await owner.auth.createApiKey({ body: { name: 'temp', scopes: ['profile:read'] } });
  const stranger = await signIn(server, (await createAccount(server, 'stranger@example.com')).email, 'correct horse battery');
  await expect(stranger.auth.revokeApiKey({ params: { keyId: apiKey.id } })).rejects.toMatchObject({ status: 404, code: 'AUTH_API_KEY_NOT_FOUND' });

  await owner.auth.revokeApiKey({ params: { keyId: apiKey.id } });
  const revoked = await server.app.inject({ method: 'GET', url: '/auth/api-keys/self', headers: { 'x-api-key': secret } });
  expect(revoked.statusCode).toBe(401);
  const unknown = await server.app.inject({ method: 'GET', url: '/auth/api-keys/self', headers: { 'x-api-key': 'tbk_made-up' } });
  expect(unknown.statusCode).toBe(401);
});

test('expired keys stop working and keys cannot be born expired', async () => {
  const account = await createAccount(server, 'expiry@example.com');
  const owner = await signIn(server, account.email, account.password);
  await expect(owner.auth.createApiKey({ body: { name: 'past', scopes: ['profile:read'], expiresAt: '2020-01-01T00:00:00Z' } })).rejects.toMatchObject({
    code: 'AUTH_API_KEY_EXPIRY_IN_PAST',
  });
  const { secret, apiKey } = await owner.auth.createApiKey({
    body: { name: 'soon', scopes: ['profile:read'], expiresAt: new Date(Date.now() + 60_000).toISOString() },
  });
  await server.database.db
    .withSchema('auth')
    .updateTable('api_keys')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('id', '=', apiKey.id)
    .execute();
  expect((await server.app.inject({ method: 'GET', url: '/auth/api-keys/self', headers: { 'x-api-key': secret } })).statusCode).toBe(401);
});

test('keys list page by page without repeats', async () => {
  const account = await createAccount(server, 'many@example.com');
  const owner = await signIn(server, account.email, account.password);
  for (let index = 0; index < 5; index++) await owner.auth.createApiKey({ body: { name: `key ${index}`, scopes: ['profile:read'] } });
  const first = await owner.auth.listApiKeys({ query: { limit: 2 } });
  expect(first.items).toHaveLength(2);
  expect(first.nextCursor).not.toBeNull();
  const seen: string[] = [];
  for await (const key of owner.auth.listApiKeys.iterate({ query: { limit: 2 } })) seen.push(key.id);
  expect(seen).toHaveLength(5);
  expect(new Set(seen).size).toBe(5);
});

test('verifyApiKey is for services only', async () => {
  const account = await createAccount(server, 'probe@example.com');
  const owner = await signIn(server, account.email, account.password);
  const { secret } = await owner.auth.createApiKey({ body: { name: 'probe', scopes: ['profile:read'] } });
  expect((await server.app.inject({ method: 'POST', url: '/auth/api-keys/verify', payload: { key: secret } })).statusCode).toBe(401);
  await expect(owner.auth.verifyApiKey({ body: { key: secret } })).rejects.toMatchObject({ status: 403, code: 'SERVICE_CREDENTIAL_REQUIRED' });
});
