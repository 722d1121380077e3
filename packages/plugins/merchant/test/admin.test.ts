import type { TestServer } from '@tokobapak/server/testing';
import { eventually, expectProblem, outboxEvents, serviceClient } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminClient, hire, invitationToken, openStore, PASSWORD, startServer } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('getStoreMembership', () => {
  test('answers the auth service only', async () => {
    const { store, user, client, owner } = await openStore(server);
    const params = { storeId: store.id, userId: user.id };
    await expect(serviceClient(server, 'auth').merchant.getStoreMembership({ params })).resolves.toMatchObject({ role: 'owner' });
    await expectProblem(serviceClient(server, 'user').merchant.getStoreMembership({ params }), 403, 'FORBIDDEN');
    await expectProblem(client.merchant.getStoreMembership({ params }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    await expectProblem(owner.merchant.getStoreMembership({ params }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    await expectProblem((await adminClient(server)).merchant.getStoreMembership({ params }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    await expectProblem(server.client().merchant.getStoreMembership({ params }), 401, 'UNAUTHENTICATED');
    await expectProblem(
      serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId: `sto_${'0'.repeat(26)}`, userId: user.id } }),
      404,
      'MERCHANT_MEMBERSHIP_NOT_FOUND',
    );
  });
});

describe('moderation', () => {
  test('suspend hides the store from the public and publishes; reinstate brings it back', async () => {
    const admin = await adminClient(server);
    const { store, owner } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');

    const suspended = await admin.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'Menjual barang palsu' } });
    expect(suspended).toMatchObject({ id: store.id, status: 'suspended', suspensionReason: 'Menjual barang palsu', suspendedAt: expect.any(String) });
    await expectProblem(server.client().merchant.getStoreByHandle({ params: { handle: store.handle } }), 404, 'MERCHANT_STORE_NOT_FOUND');
    expect((await outboxEvents(server, ['merchant.store-suspended'], { subject: store.id })).map((event) => event.data)).toEqual([{ storeId: store.id }]);

    // Members still get their membership (auth decides), marked suspended; the store cannot change.
    const membership = await serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId: store.id, userId: staff.user.id } });
    expect(membership).toEqual({ storeId: store.id, userId: staff.user.id, role: 'staff', storeStatus: 'suspended' });
    expect((await owner.merchant.getCurrentStore()).status).toBe('suspended');
    await expectProblem(owner.merchant.updateStore({ body: { name: 'Ganti nama' } }), 409, 'MERCHANT_STORE_SUSPENDED');
    await expectProblem(owner.merchant.inviteStaff({ body: { email: 'baru@example.com', role: 'staff' } }), 409, 'MERCHANT_STORE_SUSPENDED');

    // Suspending again changes nothing and publishes nothing.
    expect(await admin.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'Lagi' } })).toEqual(suspended);
    expect((await outboxEvents(server, ['merchant.store-suspended'], { subject: store.id })).map((event) => event.data)).toHaveLength(1);
    expect((await admin.merchant.listStores({ query: { status: 'suspended' } })).items.map((item) => item.id)).toContain(store.id);

    const reinstated = await admin.merchant.reinstateStore({ params: { storeId: store.id } });
    expect(reinstated).toMatchObject({ status: 'active', suspendedAt: null, suspensionReason: null });
    expect((await outboxEvents(server, ['merchant.store-reinstated'], { subject: store.id })).map((event) => event.data)).toEqual([{ storeId: store.id }]);
    await expect(server.client().merchant.getStoreByHandle({ params: { handle: store.handle } })).resolves.toMatchObject({ id: store.id });
    expect(await admin.merchant.reinstateStore({ params: { storeId: store.id } })).toEqual(reinstated);
    expect((await outboxEvents(server, ['merchant.store-reinstated'], { subject: store.id })).map((event) => event.data)).toHaveLength(1);
  });

  test('a pending invitation to a suspended store cannot be accepted', async () => {
    const admin = await adminClient(server);
    const { store, owner } = await openStore(server);
    const invitee = await openStore(server);
    await owner.merchant.inviteStaff({ body: { email: invitee.email, role: 'staff' } });
    const token = invitationToken(server, invitee.email);
    await admin.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'Diperiksa' } });
    await expectProblem(invitee.client.merchant.acceptInvitation({ body: { token } }), 409, 'MERCHANT_STORE_SUSPENDED');
  });

  test('admins only, and unknown stores are 404', async () => {
    const admin = await adminClient(server);
    const { store, client, owner } = await openStore(server);
    for (const caller of [client, owner]) {
      await expectProblem(caller.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'x' } }), 403, 'FORBIDDEN');
      await expectProblem(caller.merchant.reinstateStore({ params: { storeId: store.id } }), 403, 'FORBIDDEN');
      await expectProblem(caller.merchant.listStores(), 403, 'FORBIDDEN');
    }
    const missing = `sto_${'0'.repeat(26)}`;
    await expectProblem(admin.merchant.suspendStore({ params: { storeId: missing }, body: { reason: 'x' } }), 404, 'MERCHANT_STORE_NOT_FOUND');
    await expectProblem(admin.merchant.reinstateStore({ params: { storeId: missing } }), 404, 'MERCHANT_STORE_NOT_FOUND');
    await expectProblem(admin.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: '' } }), 400, 'VALIDATION_FAILED');
  });

  test('listStores pages newest first and filters by status', async () => {
    const admin = await adminClient(server);
    const opened = [await openStore(server), await openStore(server), await openStore(server)].map((item) => item.store.id);
    const first = await admin.merchant.listStores({ query: { limit: 2 } });
    expect(first.items.map((item) => item.id)).toEqual(opened.slice(1).reverse());
    const second = await admin.merchant.listStores({ query: { limit: 2, cursor: first.nextCursor as string } });
    expect(second.items[0]?.id).toBe(opened[0]);
    const active = await admin.merchant.listStores({ query: { status: 'active', limit: 100 } });
    expect(active.items.every((item) => item.status === 'active')).toBe(true);
  });
});

describe('account deletion', () => {
  test('a deleted user leaves every store; a store they owned is suspended; the deletion is acknowledged', async () => {
    const admin = await adminClient(server);
    const { store, owner } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    const other = await openStore(server);

    await staff.client.user.deleteAccount({ body: { password: PASSWORD, confirm: 'DELETE' } });
    await other.client.user.deleteAccount({ body: { password: PASSWORD, confirm: 'DELETE' } });

    await eventually(async () => {
      const record = await admin.user.getDeletionRecord({ params: { userId: staff.user.id } });
      expect(record.acknowledgements.map((item) => item.service)).toContain('merchant');
    });
    expect((await owner.merchant.listStaff()).items.map((item) => item.userId)).not.toContain(staff.user.id);
    expect((await outboxEvents(server, ['merchant.staff-removed'], { subject: store.id })).map((event) => event.data)).toEqual([
      { storeId: store.id, userId: staff.user.id },
    ]);

    await eventually(async () => {
      const suspended = await admin.merchant.listStores({ query: { status: 'suspended', limit: 100 } });
      expect(suspended.items.find((item) => item.id === other.store.id)).toMatchObject({ suspensionReason: 'The owner deleted their account' });
    });
    expect((await outboxEvents(server, ['merchant.store-suspended'], { subject: other.store.id })).map((event) => event.data)).toEqual([
      { storeId: other.store.id },
    ]);
  });
});
