import type { TestServer } from '@tokobapak/server/testing';
import { eventually, expectProblem, outboxEvents, serviceClient, storeSession } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { membershipEmail } from '../src/migrations/0002-membership-email.js';
import { adminClient, hire, openStore, PASSWORD, signUp, startServer } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

/** Every membership of a store, straight from the table: `[userId, role]`, sorted by user id. */
async function memberships(storeId: string): Promise<Array<[string, string]>> {
  const result = await sql<{
    user_id: string;
    role: string;
  }>`select user_id, role from merchant.memberships where store_id = ${storeId} order by user_id`.execute(server.database.db);
  return result.rows.map((row) => [row.user_id, row.role]);
}

async function ownersOf(storeId: string): Promise<string[]> {
  return (await memberships(storeId)).filter(([, role]) => role === 'owner').map(([userId]) => userId);
}

const membershipOf = (storeId: string, userId: string) => serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId, userId } });

describe('transferStoreOwnership', () => {
  test('the owner hands the store to a member: they become owner, the former owner a manager, in one event', async () => {
    const { store, owner, user, email } = await openStore(server);
    const manager = await hire(server, owner, store.id, 'manager');
    const staff = await hire(server, owner, store.id, 'staff');

    const transfer = await owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id } });
    expect(transfer).toEqual({
      storeId: store.id,
      previousOwner: { storeId: store.id, userId: user.id, email, role: 'manager', joinedAt: expect.any(String) },
      newOwner: { storeId: store.id, userId: staff.user.id, email: staff.email, role: 'owner', joinedAt: expect.any(String) },
      transferredAt: expect.any(String),
    });

    expect(await ownersOf(store.id)).toEqual([staff.user.id]);
    expect((await membershipOf(store.id, user.id)).role).toBe('manager');
    expect((await membershipOf(store.id, staff.user.id)).role).toBe('owner');
    expect((await membershipOf(store.id, manager.user.id)).role).toBe('manager');
    expect((await outboxEvents(server, ['merchant.ownership-transferred'], { subject: store.id })).map((event) => event.data)).toEqual([
      {
        storeId: store.id,
        previousOwnerUserId: user.id,
        newOwnerUserId: staff.user.id,
        transferredByUserId: user.id,
        transferredBy: 'owner',
        reason: null,
      },
    ]);
    // The staff list shows the new owner first, with everyone's email.
    const listed = (await manager.session.merchant.listStaff()).items.map((item) => [item.userId, item.role, item.email]);
    expect(listed).toEqual([
      [staff.user.id, 'owner', staff.email],
      ...[
        [user.id, 'manager', email],
        [manager.user.id, 'manager', manager.email],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ]);
  });

  test('with real store sessions: the former owner is refused owner work at once and is a manager at refresh; the new owner is owner at refresh', async () => {
    const { store, owner: signedOwner, user, client } = await openStore(server);
    const member = await hire(server, signedOwner, store.id, 'staff');
    const ownerPair = await client.auth.selectStore({ body: { storeId: store.id } });
    const memberPair = await member.client.auth.selectStore({ body: { storeId: store.id } });
    expect([ownerPair.storeRole, memberPair.storeRole]).toEqual(['owner', 'staff']);
    const ownerSession = server.client({ accessToken: ownerPair.accessToken });

    await ownerSession.merchant.transferStoreOwnership({ body: { newOwnerUserId: member.user.id } });

    // The former owner's access token still says `owner`, but owner-only operations ask the table.
    await expectProblem(ownerSession.merchant.transferStoreOwnership({ body: { newOwnerUserId: member.user.id } }), 403, 'MERCHANT_NOT_OWNER');
    await expectProblem(ownerSession.merchant.removeStaff({ params: { userId: member.user.id } }), 403, 'MERCHANT_NOT_OWNER');
    await expectProblem(ownerSession.merchant.changeStaffRole({ params: { userId: member.user.id }, body: { role: 'staff' } }), 403, 'MERCHANT_NOT_OWNER');
    await expectProblem(ownerSession.merchant.inviteStaff({ body: { email: 'siapa@example.com', role: 'staff' } }), 403, 'MERCHANT_NOT_OWNER');
    await expectProblem(ownerSession.merchant.listInvitations(), 403, 'MERCHANT_NOT_OWNER');
    await expectProblem(ownerSession.merchant.revokeInvitation({ params: { invitationId: `inv_${'0'.repeat(26)}` } }), 403, 'MERCHANT_NOT_OWNER');
    // Manager work goes on.
    await expect(ownerSession.merchant.updateStore({ body: { name: 'Toko Baru' } })).resolves.toMatchObject({ name: 'Toko Baru' });

    // At refresh both sessions carry the new roles, the same way a role change reaches a session.
    const ownerRefreshed = await server.client().auth.refreshToken({ body: { refreshToken: ownerPair.refreshToken } });
    expect(ownerRefreshed).toMatchObject({ storeId: store.id, storeRole: 'manager', userId: user.id });
    const memberRefreshed = await server.client().auth.refreshToken({ body: { refreshToken: memberPair.refreshToken } });
    expect(memberRefreshed).toMatchObject({ storeId: store.id, storeRole: 'owner' });
    const formerOwner = server.client({ accessToken: ownerRefreshed.accessToken });
    await expectProblem(formerOwner.merchant.listInvitations(), 403, 'FORBIDDEN');

    // The new owner runs the staff now, and can hand the store back.
    const newOwner = server.client({ accessToken: memberRefreshed.accessToken });
    await expect(newOwner.merchant.changeStaffRole({ params: { userId: user.id }, body: { role: 'staff' } })).resolves.toMatchObject({ role: 'staff' });
    await expect(newOwner.merchant.transferStoreOwnership({ body: { newOwnerUserId: user.id } })).resolves.toMatchObject({
      previousOwner: { userId: member.user.id, role: 'manager' },
      newOwner: { userId: user.id, role: 'owner' },
    });
  });

  test('refusals: a non-member, oneself, a member of another store, a non-owner, a key, a malformed body; nothing changes', async () => {
    const { store, owner, user, client } = await openStore(server);
    const manager = await hire(server, owner, store.id, 'manager');
    const staff = await hire(server, owner, store.id, 'staff');
    const stranger = await signUp(server);
    const elsewhere = await openStore(server);
    const elsewhereStaff = await hire(server, elsewhere.owner, elsewhere.store.id, 'staff');

    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: stranger.user.id } }), 409, 'MERCHANT_NEW_OWNER_NOT_MEMBER');
    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: `usr_${'0'.repeat(26)}` } }), 409, 'MERCHANT_NEW_OWNER_NOT_MEMBER');
    // Another store's member or owner is reported exactly like someone unknown.
    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: elsewhereStaff.user.id } }), 409, 'MERCHANT_NEW_OWNER_NOT_MEMBER');
    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: elsewhere.user.id } }), 409, 'MERCHANT_NEW_OWNER_NOT_MEMBER');
    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: user.id } }), 409, 'MERCHANT_ALREADY_OWNER');

    // Managers and staff are refused by the spec's `store:owner` before the handler runs.
    await expectProblem(manager.session.merchant.transferStoreOwnership({ body: { newOwnerUserId: manager.user.id } }), 403, 'FORBIDDEN');
    await expectProblem(staff.session.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id } }), 403, 'FORBIDDEN');
    // A token claiming `owner` for someone who is not the owner (forged by the test, as a stale one would be).
    await expectProblem(
      storeSession(server, store.id, 'owner', manager.user.id).merchant.transferStoreOwnership({ body: { newOwnerUserId: manager.user.id } }),
      403,
      'MERCHANT_NOT_OWNER',
    );
    // Without a store session, and with a store-scoped key (keys cannot hand a store on).
    await expectProblem(client.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id } }), 403, 'STORE_CONTEXT_REQUIRED');
    const { secret } = await client.auth.createApiKey({ body: { name: 'k', scopes: ['store:read', 'store:write'], storeId: store.id } });
    const keyResponse = await server.app.inject({
      method: 'POST',
      url: '/merchant/store/transfer-ownership',
      headers: { 'x-api-key': secret, 'content-type': 'application/json' },
      payload: { newOwnerUserId: staff.user.id },
    });
    // The operation accepts only bearer tokens, so a key is no credential for it at all.
    expect(keyResponse.statusCode).toBe(401);
    expect(keyResponse.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(keyResponse.body).code).toBe('UNAUTHENTICATED');

    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: 'budi' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(owner.merchant.transferStoreOwnership({ body: {} as never }), 400, 'VALIDATION_FAILED');

    expect(await ownersOf(store.id)).toEqual([user.id]);
    expect(await ownersOf(elsewhere.store.id)).toEqual([elsewhere.user.id]);
    expect((await outboxEvents(server, ['merchant.ownership-transferred'], { subject: store.id })).map((event) => event.data)).toEqual([]);
  });

  test('the owner of a suspended store cannot hand it on', async () => {
    const admin = await adminClient(server);
    const { store, owner, user } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    await admin.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'Penipuan' } });
    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id } }), 409, 'MERCHANT_STORE_SUSPENDED');
    expect(await ownersOf(store.id)).toEqual([user.id]);
  });

  test('an idempotency key replays the first answer to a retry instead of refusing it', async () => {
    const { store, owner } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    const first = await owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id }, idempotencyKey: 'serah-terima-1' });
    const again = await owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id }, idempotencyKey: 'serah-terima-1' });
    expect(again).toEqual(first);
    await expectProblem(owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: staff.user.id } }), 403, 'MERCHANT_NOT_OWNER');
    expect((await outboxEvents(server, ['merchant.ownership-transferred'], { subject: store.id })).map((event) => event.data)).toHaveLength(1);
  });
});

describe('concurrency', () => {
  test('concurrent transfers to different members: exactly one wins, and the store has exactly one owner', async () => {
    for (let round = 0; round < 4; round++) {
      const { store, owner, user } = await openStore(server);
      const members = [];
      for (let index = 0; index < 5; index++) members.push(await hire(server, owner, store.id, index % 2 === 0 ? 'staff' : 'manager'));
      const before = new Map(await memberships(store.id));
      // Warm the connection pool (PostgreSQL), so the transfers below really overlap instead of queueing for connections.
      await Promise.all(members.map((member) => member.session.merchant.listStaff()));

      const results = await Promise.allSettled(members.map((member) => owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: member.user.id } })));

      const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 403, code: 'MERCHANT_NOT_OWNER' });
      }
      const winner = won[0]?.newOwner.userId as string;
      expect(await ownersOf(store.id)).toEqual([winner]);
      const after = new Map(await memberships(store.id));
      expect(after.get(user.id)).toBe('manager');
      for (const member of members) {
        if (member.user.id !== winner) expect(after.get(member.user.id)).toBe(before.get(member.user.id));
      }
      expect((await outboxEvents(server, ['merchant.ownership-transferred'], { subject: store.id })).map((event) => event.data)).toEqual([
        expect.objectContaining({ newOwnerUserId: winner }),
      ]);
    }
  });

  test('a transfer racing the removal of its target: either order leaves one owner, who is a member', async () => {
    for (let round = 0; round < 3; round++) {
      const { store, owner } = await openStore(server);
      const target = await hire(server, owner, store.id, 'staff');
      await Promise.all([owner.merchant.listStaff(), target.session.merchant.listStaff()]);
      const [transferred, removed] = await Promise.allSettled([
        owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: target.user.id } }),
        owner.merchant.removeStaff({ params: { userId: target.user.id } }),
      ]);
      const owners = await ownersOf(store.id);
      expect(owners).toHaveLength(1);
      if (transferred.status === 'fulfilled') {
        expect(owners).toEqual([target.user.id]);
        expect(removed).toMatchObject({ status: 'rejected', reason: { status: expect.any(Number) } });
        expect(['MERCHANT_NOT_OWNER', 'MERCHANT_OWNER_IMMUTABLE']).toContain((removed as PromiseRejectedResult).reason.code);
      } else {
        expect(transferred.reason).toMatchObject({ status: 409, code: 'MERCHANT_NEW_OWNER_NOT_MEMBER' });
        expect(removed.status).toBe('fulfilled');
      }
    }
  });
});

describe('adminTransferStoreOwnership', () => {
  test('an admin hands a store to one of its members, with a reason kept in the event', async () => {
    const admin = await adminClient(server);
    const adminId = (await admin.user.getProfile()).id;
    const { store, owner, user } = await openStore(server);
    const manager = await hire(server, owner, store.id, 'manager');

    const transfer = await admin.merchant.adminTransferStoreOwnership({
      params: { storeId: store.id },
      body: { newOwnerUserId: manager.user.id, reason: 'Pemilik kehilangan akses akun (tiket #812)' },
    });
    expect(transfer).toMatchObject({ previousOwner: { userId: user.id, role: 'manager' }, newOwner: { userId: manager.user.id, role: 'owner' } });
    expect(await ownersOf(store.id)).toEqual([manager.user.id]);
    expect((await outboxEvents(server, ['merchant.ownership-transferred'], { subject: store.id })).map((event) => event.data)).toEqual([
      {
        storeId: store.id,
        previousOwnerUserId: user.id,
        newOwnerUserId: manager.user.id,
        transferredByUserId: adminId,
        transferredBy: 'admin',
        reason: 'Pemilik kehilangan akses akun (tiket #812)',
      },
    ]);
    // The former owner's stale owner session is refused owner work.
    await expectProblem(owner.merchant.listInvitations(), 403, 'MERCHANT_NOT_OWNER');
  });

  test('only to a member, not to the current owner, only by admins, only for a store that exists', async () => {
    const admin = await adminClient(server);
    const { store, owner, user, client } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    const stranger = await signUp(server);
    const body = (newOwnerUserId: string) => ({ newOwnerUserId, reason: 'Dukungan' });

    await expectProblem(
      admin.merchant.adminTransferStoreOwnership({ params: { storeId: store.id }, body: body(stranger.user.id) }),
      409,
      'MERCHANT_NEW_OWNER_NOT_MEMBER',
    );
    await expectProblem(admin.merchant.adminTransferStoreOwnership({ params: { storeId: store.id }, body: body(user.id) }), 409, 'MERCHANT_ALREADY_OWNER');
    await expectProblem(
      admin.merchant.adminTransferStoreOwnership({ params: { storeId: `sto_${'0'.repeat(26)}` }, body: body(staff.user.id) }),
      404,
      'MERCHANT_STORE_NOT_FOUND',
    );
    await expectProblem(
      admin.merchant.adminTransferStoreOwnership({ params: { storeId: store.id }, body: { newOwnerUserId: staff.user.id } as never }),
      400,
      'VALIDATION_FAILED',
    );
    for (const caller of [client, owner, staff.client]) {
      await expectProblem(caller.merchant.adminTransferStoreOwnership({ params: { storeId: store.id }, body: body(staff.user.id) }), 403, 'FORBIDDEN');
    }
    expect(await ownersOf(store.id)).toEqual([user.id]);
  });

  test('a store left without an owner (the owner deleted their account) gets one of its members as owner', async () => {
    const admin = await adminClient(server);
    const { store, owner, client } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    await client.user.deleteAccount({ body: { password: PASSWORD, confirm: 'DELETE' } });
    await eventually(async () => expect(await ownersOf(store.id)).toEqual([]));
    await eventually(async () =>
      expect((await admin.merchant.listStores({ query: { status: 'suspended', limit: 100 } })).items.map((item) => item.id)).toContain(store.id),
    );

    const transfer = await admin.merchant.adminTransferStoreOwnership({
      params: { storeId: store.id },
      body: { newOwnerUserId: staff.user.id, reason: 'Pemilik menghapus akun' },
    });
    expect(transfer).toMatchObject({ previousOwner: null, newOwner: { userId: staff.user.id, role: 'owner' } });
    expect(await ownersOf(store.id)).toEqual([staff.user.id]);
    // Still suspended until an admin reinstates it.
    expect((await membershipOf(store.id, staff.user.id)).storeStatus).toBe('suspended');
  });
});

describe('staff emails', () => {
  test('the staff list shows the email recorded when the store was opened or the invitation accepted', async () => {
    const { store, owner, user, email } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    const items = (await owner.merchant.listStaff()).items;
    expect(items.map((item) => [item.userId, item.email])).toEqual([
      [user.id, email],
      [staff.user.id, staff.email],
    ]);
  });

  test('the migration fills the emails of invited members from their accepted invitations; owners stay null', async () => {
    const { store, owner, user } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    const db = server.database.db;
    await sql`alter table merchant.memberships drop column email`.execute(db);
    await membershipEmail.up(db.withSchema('merchant'));
    const rows = await sql<{
      user_id: string;
      email: string | null;
    }>`select user_id, email from merchant.memberships where store_id = ${store.id} order by user_id`.execute(db);
    expect(new Map(rows.rows.map((row) => [row.user_id, row.email]))).toEqual(
      new Map([
        [user.id, null],
        [staff.user.id, staff.email],
      ]),
    );
    const items = (await owner.merchant.listStaff()).items;
    expect(items.find((item) => item.userId === user.id)?.email).toBeNull();
  });
});
