import { authPlugin } from '@tokobapak/plugin-auth';
import { createMemoryBlobStore, imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { userPlugin } from '@tokobapak/plugin-user';
import type { TokoBapakClient } from '@tokobapak/sdk';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({
    apiKeyCacheSeconds: 0,
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, adminEmails: ['operator@example.com'] }),
      userPlugin(),
      merchantPlugin(),
      promotedItemPlugin(),
      // promoted-item calls both (x-calls): a store does not start without them.
      inventoryPlugin(),
      imageProxyPlugin({ blobStore: createMemoryBlobStore() }),
    ],
  });
});
afterAll(async () => {
  await server?.close();
});

async function person(email: string): Promise<{ client: TokoBapakClient; userId: string }> {
  const client = server.client();
  const user = await client.user.register({ body: { email, password: PASSWORD, name: 'Store Person' } });
  await client.auth.login({ body: { email, password: PASSWORD } });
  return { client, userId: user.id };
}

/** A client holding a store session for `storeId`. */
async function storeSession(client: TokoBapakClient, storeId: string): Promise<TokoBapakClient> {
  const pair = await client.auth.selectStore({ body: { storeId } });
  return server.client({ accessToken: pair.accessToken });
}

/** Invites `email` as a manager of the owner's store and has them accept; returns the new manager. */
async function hireManager(ownerSession: TokoBapakClient, email: string): Promise<{ client: TokoBapakClient; userId: string }> {
  await ownerSession.merchant.inviteStaff({ body: { email, role: 'manager' } });
  const mailbox = server.mailer as unknown as { lastTo(address: string): { text: string } | undefined };
  const token = mailbox.lastTo(email)?.text.match(/inv_[A-Za-z0-9_-]+|[A-Za-z0-9_-]{40,}/)?.[0];
  expect(token).toBeDefined();
  const manager = await person(email);
  await manager.client.merchant.acceptInvitation({ body: { token: token as string } });
  return manager;
}

test('a store session carries the store and the role, and merchant operations act in it', async () => {
  const owner = await person('owner@example.com');
  const store = await owner.client.merchant.createStore({ body: { name: 'Toko Kopi', handle: 'toko-kopi' } });

  const pair = await owner.client.auth.selectStore({ body: { storeId: store.id } });
  expect(pair).toMatchObject({ storeId: store.id, storeRole: 'owner', userId: owner.userId });
  const session = server.client({ accessToken: pair.accessToken });
  await expect(session.merchant.getCurrentStore()).resolves.toMatchObject({ id: store.id, handle: 'toko-kopi' });

  // The SDK switched `owner.client` to the store session it received; a plain customer session is not one.
  await expect(owner.client.merchant.getCurrentStore()).resolves.toMatchObject({ id: store.id });
  const plain = server.client();
  await plain.auth.login({ body: { email: 'owner@example.com', password: PASSWORD } });
  await expect(plain.merchant.getCurrentStore()).rejects.toMatchObject({ status: 403 });

  // Refreshing keeps the store.
  const refreshed = await server.client().auth.refreshToken({ body: { refreshToken: pair.refreshToken } });
  expect(refreshed).toMatchObject({ storeId: store.id, storeRole: 'owner' });
});

test('only members may open a store session', async () => {
  const owner = await person('owner2@example.com');
  const store = await owner.client.merchant.createStore({ body: { name: 'Toko Teh', handle: 'toko-teh' } });
  const stranger = await person('stranger@example.com');
  await expect(stranger.client.auth.selectStore({ body: { storeId: store.id } })).rejects.toMatchObject({ status: 403, code: 'AUTH_STORE_ACCESS_DENIED' });
});

test('store-scoped API keys: owners and managers issue them, they act in the store, staff cannot issue them', async () => {
  const owner = await person('keys-owner@example.com');
  const store = await owner.client.merchant.createStore({ body: { name: 'Toko Gula', handle: 'toko-gula' } });
  const { secret, apiKey } = await owner.client.auth.createApiKey({ body: { name: 'sync', scopes: ['store:read'], storeId: store.id } });
  expect(apiKey.storeId).toBe(store.id);
  await expect(server.client({ apiKey: secret }).merchant.getCurrentStore()).resolves.toMatchObject({ id: store.id });

  // A key without a store cannot act in one.
  const { secret: plain } = await owner.client.auth.createApiKey({ body: { name: 'plain', scopes: ['store:read'] } });
  await expect(server.client({ apiKey: plain }).merchant.getCurrentStore()).rejects.toMatchObject({ status: 403 });

  const stranger = await person('keys-stranger@example.com');
  await expect(stranger.client.auth.createApiKey({ body: { name: 'x', scopes: ['store:read'], storeId: store.id } })).rejects.toMatchObject({
    status: 403,
    code: 'AUTH_STORE_ACCESS_DENIED',
  });
});

test('removing a staff member ends their store session at refresh and revokes their store keys', async () => {
  const owner = await person('team-owner@example.com');
  const store = await owner.client.merchant.createStore({ body: { name: 'Toko Susu', handle: 'toko-susu' } });
  const ownerSession = await storeSession(owner.client, store.id);
  const manager = await hireManager(ownerSession, 'manager@example.com');
  const managerPair = await manager.client.auth.selectStore({ body: { storeId: store.id } });
  expect(managerPair.storeRole).toBe('manager');
  const { secret } = await manager.client.auth.createApiKey({ body: { name: 'manager key', scopes: ['store:read'], storeId: store.id } });

  await ownerSession.merchant.removeStaff({ params: { userId: manager.userId } });
  await server.relay.drain();

  await expect(server.client().auth.refreshToken({ body: { refreshToken: managerPair.refreshToken } })).rejects.toMatchObject({
    status: 403,
    code: 'AUTH_STORE_ACCESS_DENIED',
  });
  expect((await server.app.inject({ method: 'GET', url: '/merchant/store', headers: { 'x-api-key': secret } })).statusCode).toBe(401);
});

test("demoting a manager to staff ends their store keys' powers: no more store updates or banners", async () => {
  const owner = await person('demote-owner@example.com');
  const store = await owner.client.merchant.createStore({ body: { name: 'Toko Demosi', handle: 'toko-demosi' } });
  const ownerSession = await storeSession(owner.client, store.id);
  const manager = await hireManager(ownerSession, 'demoted@example.com');
  await storeSession(manager.client, store.id);
  const { secret } = await manager.client.auth.createApiKey({ body: { name: 'sync', scopes: ['store:read', 'store:write'], storeId: store.id } });
  const asKey = server.client({ apiKey: secret });
  const banner = () =>
    server.app.inject({
      method: 'POST',
      url: '/promoted-item/store/banners',
      headers: { 'x-api-key': secret, 'content-type': 'application/json' },
      payload: { placement: 'home-hero', title: 'Promo', imageId: `img_${'0'.repeat(26)}`, linkUrl: 'https://toko.example/promo' },
    });

  await expect(asKey.merchant.updateStore({ body: { name: 'Toko Manajer' } })).resolves.toMatchObject({ name: 'Toko Manajer' });
  // Authenticated and authorised: the banner handler itself answers (about the made-up image).
  expect((await banner()).statusCode).not.toBe(401);

  await ownerSession.merchant.changeStaffRole({ params: { userId: manager.userId }, body: { role: 'staff' } });
  await server.relay.drain();

  await expect(asKey.merchant.updateStore({ body: { name: 'Toko Staf' } })).rejects.toMatchObject({ status: 401 });
  expect((await banner()).statusCode).toBe(401);
  expect((await ownerSession.merchant.getCurrentStore()).name).toBe('Toko Manajer');
  // Revoked for good: promoting them back does not revive the key.
  await ownerSession.merchant.changeStaffRole({ params: { userId: manager.userId }, body: { role: 'manager' } });
  await expect(asKey.merchant.updateStore({ body: { name: 'Toko Lagi' } })).rejects.toMatchObject({ status: 401 });
  const keys = await manager.client.auth.listApiKeys();
  expect(keys.items.find((key) => key.storeId === store.id)?.revokedAt).not.toBeNull();
});

test('suspending a store stops its keys and store sessions', async () => {
  const owner = await person('suspended-owner@example.com');
  const store = await owner.client.merchant.createStore({ body: { name: 'Toko Nakal', handle: 'toko-nakal' } });
  const pair = await owner.client.auth.selectStore({ body: { storeId: store.id } });
  const { secret } = await owner.client.auth.createApiKey({ body: { name: 'k', scopes: ['store:read'], storeId: store.id } });

  const operator = await person('operator@example.com');
  await operator.client.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'Selling counterfeit goods' } });
  await server.relay.drain();

  await expect(owner.client.auth.selectStore({ body: { storeId: store.id } })).rejects.toMatchObject({ code: 'AUTH_STORE_ACCESS_DENIED' });
  await expect(server.client().auth.refreshToken({ body: { refreshToken: pair.refreshToken } })).rejects.toMatchObject({
    status: 403,
    code: 'AUTH_STORE_ACCESS_DENIED',
  });
  expect((await server.app.inject({ method: 'GET', url: '/merchant/store', headers: { 'x-api-key': secret } })).statusCode).toBe(401);
});
