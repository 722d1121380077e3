import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, outboxEvents, serviceClient } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hire, joinStore, openStore, signUp, startServer, uniqueHandle } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const address = { line1: 'Jl. Braga No. 10', city: 'Bandung', region: 'Jawa Barat', postalCode: '40111', countryCode: 'ID' };

describe('createStore', () => {
  test('opens a store owned by the caller and publishes merchant.store-created', async () => {
    const { client, user } = await signUp(server);
    const handle = uniqueHandle('Warung');
    const store = await client.merchant.createStore({
      body: { name: 'Warung Sunda', handle, description: 'Nasi timbel', contactEmail: 'halo@warung.example', phone: '+6281234567890', address },
    });
    expect(store).toMatchObject({
      handle: handle.toLowerCase(),
      name: 'Warung Sunda',
      description: 'Nasi timbel',
      logoImageId: null,
      contactEmail: 'halo@warung.example',
      phone: '+6281234567890',
      address: { ...address, line2: null },
      status: 'active',
      suspendedAt: null,
      suspensionReason: null,
    });
    expect(store.id).toMatch(/^sto_[0-9a-z]{26}$/);

    const mine = await client.merchant.listMyStores();
    expect(mine).toEqual({ items: [{ store, role: 'owner' }], nextCursor: null });
    const membership = await serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId: store.id, userId: user.id } });
    expect(membership).toEqual({ storeId: store.id, userId: user.id, role: 'owner', storeStatus: 'active' });
    expect((await outboxEvents(server, ['merchant.store-created'], { subject: store.id })).map((event) => event.data)).toEqual([
      { storeId: store.id, handle: handle.toLowerCase(), ownerUserId: user.id },
    ]);
  });

  test('handles are unique case-insensitively', async () => {
    const first = await signUp(server);
    const second = await signUp(server);
    const handle = uniqueHandle();
    await first.client.merchant.createStore({ body: { name: 'Satu', handle } });
    await expectProblem(second.client.merchant.createStore({ body: { name: 'Dua', handle: handle.toUpperCase() } }), 409, 'MERCHANT_HANDLE_TAKEN');
    expect((await second.client.merchant.listMyStores()).items).toEqual([]);
  });

  test('of 20 concurrent creates with one handle exactly one succeeds', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, () => signUp(server)));
    const handle = uniqueHandle('rebutan');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => people[index % people.length]?.client.merchant.createStore({ body: { name: `Toko ${index}`, handle } })),
    );
    const created = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected').map((result) => (result.reason as { code?: string }).code);
    expect(created).toHaveLength(1);
    expect(refused).toEqual(Array.from({ length: 19 }, () => 'MERCHANT_HANDLE_TAKEN'));
  });

  test('rejects bad handles, unknown fields and anonymous callers', async () => {
    const { client } = await signUp(server);
    for (const handle of ['ab', '-abc', 'abc-', 'toko bapak', 'toko_bapak', 'a'.repeat(41)]) {
      await expectProblem(client.merchant.createStore({ body: { name: 'Toko', handle } }), 400, 'VALIDATION_FAILED');
    }
    await expectProblem(
      client.merchant.createStore({ body: { name: 'Toko', handle: uniqueHandle(), ownerUserId: 'usr_x' } as never }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(server.client().merchant.createStore({ body: { name: 'Toko', handle: uniqueHandle() } }), 401, 'UNAUTHENTICATED');
  });

  test('an idempotency key replays the first answer instead of opening a second store', async () => {
    const { client } = await signUp(server);
    const body = { name: 'Toko Ulang', handle: uniqueHandle() };
    const first = await client.merchant.createStore({ body, idempotencyKey: 'buka-toko-1' });
    const again = await client.merchant.createStore({ body, idempotencyKey: 'buka-toko-1' });
    expect(again).toEqual(first);
    expect((await client.merchant.listMyStores()).items).toHaveLength(1);
  });
});

describe('getStoreByHandle', () => {
  test('shows the public profile to anyone, by any case of the handle', async () => {
    const { store } = await openStore(server, { address, description: 'Kopi', contactEmail: 'kopi@toko.example' });
    const profile = await server.client().merchant.getStoreByHandle({ params: { handle: store.handle.toUpperCase() } });
    expect(profile).toEqual({
      id: store.id,
      handle: store.handle,
      name: store.name,
      description: 'Kopi',
      logoImageId: null,
      contactEmail: 'kopi@toko.example',
      phone: null,
      createdAt: store.createdAt,
    });
    expect(profile).not.toHaveProperty('address');
    await expectProblem(server.client().merchant.getStoreByHandle({ params: { handle: 'tidak-ada-toko' } }), 404, 'MERCHANT_STORE_NOT_FOUND');
  });
});

describe('listMyStores', () => {
  test('pages through every store the caller belongs to, with the role there', async () => {
    const { client, user } = await signUp(server);
    const owned = [];
    for (let index = 0; index < 3; index++) owned.push(await client.merchant.createStore({ body: { name: `Toko ${index}`, handle: uniqueHandle() } }));
    const other = await openStore(server);
    await joinStore(server, other.owner, { client, user, email: user.email }, 'staff');

    const first = await client.merchant.listMyStores({ query: { limit: 2 } });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.merchant.listMyStores({ query: { limit: 2, cursor: first.nextCursor as string } });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((item) => [item.store.id, item.role])).toEqual([
      ...owned.map((store) => [store.id, 'owner']),
      [other.store.id, 'staff'],
    ]);
    await expectProblem(client.merchant.listMyStores({ query: { cursor: 'bukan-kursor' } }), 400, 'BAD_REQUEST');
  });
});

describe('the current store', () => {
  test('getCurrentStore needs a store session and answers with that store', async () => {
    const { client, store, owner } = await openStore(server);
    expect(await owner.merchant.getCurrentStore()).toEqual(store);
    await expectProblem(client.merchant.getCurrentStore(), 403, 'STORE_CONTEXT_REQUIRED');
    await expectProblem(server.client().merchant.getCurrentStore(), 401, 'UNAUTHENTICATED');
  });

  test('managers and owners update the profile; staff may not', async () => {
    const { store, owner } = await openStore(server);
    const manager = await hire(server, owner, store.id, 'manager');
    const staff = await hire(server, owner, store.id, 'staff');

    const updated = await manager.session.merchant.updateStore({ body: { name: 'Toko Baru', logoImageId: `img_${'1'.repeat(26)}`, address } });
    expect(updated).toMatchObject({
      id: store.id,
      handle: store.handle,
      name: 'Toko Baru',
      logoImageId: `img_${'1'.repeat(26)}`,
      address: { ...address, line2: null },
    });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(store.updatedAt).getTime());

    const cleared = await owner.merchant.updateStore({ body: { address: null, logoImageId: null } });
    expect(cleared).toMatchObject({ name: 'Toko Baru', address: null, logoImageId: null });

    await expectProblem(staff.session.merchant.updateStore({ body: { name: 'Diambil alih' } }), 403, 'FORBIDDEN');
    await expectProblem(owner.merchant.updateStore({ body: {} }), 400, 'VALIDATION_FAILED');
    await expectProblem(owner.merchant.updateStore({ body: { handle: 'baru' } as never }), 400, 'VALIDATION_FAILED');
    expect((await staff.session.merchant.getCurrentStore()).name).toBe('Toko Baru');
  });
});
