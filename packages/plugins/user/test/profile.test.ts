import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, startServer } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('profile with an access token', () => {
  test('reads and changes only the fields given', async () => {
    const { client, user } = await signUp(server, { name: 'Lina' });
    const changed = await client.user.updateProfile({ body: { phone: '+6281299990000', locale: 'en-US' } });
    expect(changed).toMatchObject({ id: user.id, email: user.email, name: 'Lina', phone: '+6281299990000', locale: 'en-US' });
    expect(Date.parse(changed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.updatedAt));
    expect(await client.user.getProfile()).toEqual(changed);

    const cleared = await client.user.updateProfile({ body: { phone: null, name: 'Lina Marlina' } });
    expect(cleared).toMatchObject({ phone: null, name: 'Lina Marlina', locale: 'en-US' });
  });

  test('the email cannot be changed here, and an empty patch is refused', async () => {
    const { client } = await signUp(server);
    await expectProblem(client.user.updateProfile({ body: { email: 'lain@example.com' } as never }), 400, 'VALIDATION_FAILED');
    await expectProblem(client.user.updateProfile({ body: {} }), 400, 'VALIDATION_FAILED');
  });

  test('anonymous callers are refused', async () => {
    await expectProblem(server.client().user.getProfile(), 401, 'UNAUTHENTICATED');
    await expectProblem(server.client().user.updateProfile({ body: { name: 'x' } }), 401, 'UNAUTHENTICATED');
  });
});

describe('profile with an API key', () => {
  test('profile:read reads the key owner, but updating needs profile:write', async () => {
    const { client, user } = await signUp(server);
    const { secret } = await client.auth.createApiKey({ body: { name: 'skrip', scopes: ['profile:read'] } });
    const script = server.client({ apiKey: secret });
    expect(await script.user.getProfile()).toMatchObject({ id: user.id });
    await expectProblem(script.user.updateProfile({ body: { name: 'Diubah Skrip' } }), 403, 'INSUFFICIENT_SCOPE');
    expect((await client.user.getProfile()).name).toBe(user.name);
  });

  test('profile:write updates the key owner', async () => {
    const { client, user } = await signUp(server);
    const { secret } = await client.auth.createApiKey({ body: { name: 'skrip', scopes: ['profile:read', 'profile:write'] } });
    const script = server.client({ apiKey: secret });
    expect(await script.user.updateProfile({ body: { name: 'Diubah Skrip' } })).toMatchObject({ id: user.id, name: 'Diubah Skrip' });
  });

  test('a key without any profile scope cannot read', async () => {
    const { client } = await signUp(server);
    const { secret } = await client.auth.createApiKey({ body: { name: 'skrip', scopes: ['products:read'] } });
    await expectProblem(server.client({ apiKey: secret }).user.getProfile(), 403, 'INSUFFICIENT_SCOPE');
  });

  test('an API key cannot reach bearer-only operations such as addresses', async () => {
    const { client } = await signUp(server);
    const { secret } = await client.auth.createApiKey({ body: { name: 'skrip', scopes: ['profile:read', 'profile:write'] } });
    await expectProblem(server.client({ apiKey: secret }).user.listAddresses(), 401, 'UNAUTHENTICATED');
  });
});
