import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, outboxEvents, serviceClient, storeSession } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hire, invitationToken, memoryMailer, openStore, signUp, startServer, uniqueEmail } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('invitations', () => {
  test('the owner invites by mail; the invited person accepts and becomes staff', async () => {
    const { store, owner, user: ownerUser } = await openStore(server, { name: 'Toko Kopi' });
    const invitee = await signUp(server);

    const invitation = await owner.merchant.inviteStaff({ body: { email: invitee.email.toUpperCase(), role: 'manager' } });
    expect(invitation).toMatchObject({
      storeId: store.id,
      email: invitee.email,
      role: 'manager',
      status: 'pending',
      invitedByUserId: ownerUser.id,
      acceptedAt: null,
    });
    expect(invitation.id).toMatch(/^inv_[0-9a-z]{26}$/);
    expect(new Date(invitation.expiresAt).getTime() - new Date(invitation.createdAt).getTime()).toBe(7 * 24 * 3600 * 1000);
    expect(invitation).not.toHaveProperty('token');

    const mail = memoryMailer(server).lastTo(invitee.email);
    expect(mail?.subject).toContain('Toko Kopi');
    const token = invitationToken(server, invitee.email);
    expect(mail?.text).toContain(`/accept-invitation?token=${token}`);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    // Only the hash is stored.
    const stored = await sql<{ token_hash: string }>`select token_hash from merchant.invitations where id = ${invitation.id}`.execute(server.database.db);
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]?.token_hash).not.toContain(token);

    const membership = await invitee.client.merchant.acceptInvitation({ body: { token } });
    expect(membership).toEqual({ storeId: store.id, userId: invitee.user.id, email: invitee.email, role: 'manager', joinedAt: expect.any(String) });
    expect((await outboxEvents(server, ['merchant.staff-added'], { subject: store.id })).map((event) => event.data)).toEqual([
      { storeId: store.id, userId: invitee.user.id },
    ]);
    expect((await invitee.client.merchant.listMyStores()).items.map((item) => [item.store.id, item.role])).toEqual([[store.id, 'manager']]);
    const [listed] = (await owner.merchant.listInvitations()).items;
    expect(listed).toMatchObject({ id: invitation.id, status: 'accepted', acceptedAt: membership.joinedAt });
  });

  test('another signed-in user cannot accept it, and the token still works for the invited one', async () => {
    const { owner } = await openStore(server);
    const invitee = await signUp(server);
    const stranger = await signUp(server);
    await owner.merchant.inviteStaff({ body: { email: invitee.email, role: 'staff' } });
    const token = invitationToken(server, invitee.email);
    await expectProblem(stranger.client.merchant.acceptInvitation({ body: { token } }), 403, 'MERCHANT_INVITATION_EMAIL_MISMATCH');
    expect((await stranger.client.merchant.listMyStores()).items).toEqual([]);
    await expect(invitee.client.merchant.acceptInvitation({ body: { token } })).resolves.toMatchObject({ role: 'staff' });
  });

  test('a token works once, even under concurrent attempts', async () => {
    const { owner } = await openStore(server);
    const invitee = await signUp(server);
    await owner.merchant.inviteStaff({ body: { email: invitee.email, role: 'staff' } });
    const token = invitationToken(server, invitee.email);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => invitee.client.merchant.acceptInvitation({ body: { token } })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    await expectProblem(invitee.client.merchant.acceptInvitation({ body: { token } }), 400, 'MERCHANT_INVITATION_INVALID');
    await expectProblem(invitee.client.merchant.acceptInvitation({ body: { token: 'tidak-ada' } }), 400, 'MERCHANT_INVITATION_INVALID');
  });

  test('an expired invitation cannot be accepted and lists as expired', async () => {
    const { store, owner } = await openStore(server);
    const invitee = await signUp(server);
    const invitation = await owner.merchant.inviteStaff({ body: { email: invitee.email, role: 'staff' } });
    const token = invitationToken(server, invitee.email);
    await sql`update merchant.invitations set expires_at = now() - interval '1 minute' where id = ${invitation.id}`.execute(server.database.db);
    await expectProblem(invitee.client.merchant.acceptInvitation({ body: { token } }), 400, 'MERCHANT_INVITATION_INVALID');
    expect((await owner.merchant.listInvitations({ query: { status: 'expired' } })).items.map((item) => item.id)).toEqual([invitation.id]);
    expect((await owner.merchant.listInvitations({ query: { status: 'pending' } })).items).toEqual([]);
    await expectProblem(owner.merchant.revokeInvitation({ params: { invitationId: invitation.id } }), 409, 'MERCHANT_INVITATION_NOT_PENDING');
    await expectProblem(
      serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId: store.id, userId: invitee.user.id } }),
      404,
      'MERCHANT_MEMBERSHIP_NOT_FOUND',
    );
  });

  test('revoking, and re-inviting, kill the earlier link', async () => {
    const { owner } = await openStore(server);
    const invitee = await signUp(server);
    const first = await owner.merchant.inviteStaff({ body: { email: invitee.email, role: 'staff' } });
    const firstToken = invitationToken(server, invitee.email);
    await owner.merchant.inviteStaff({ body: { email: invitee.email, role: 'manager' } });
    const secondToken = invitationToken(server, invitee.email);
    expect(secondToken).not.toBe(firstToken);
    await expectProblem(invitee.client.merchant.acceptInvitation({ body: { token: firstToken } }), 400, 'MERCHANT_INVITATION_INVALID');
    const statuses = (await owner.merchant.listInvitations()).items.map((item) => [item.role, item.status]);
    expect(statuses).toEqual([
      ['manager', 'pending'],
      ['staff', 'revoked'],
    ]);

    const [pending] = (await owner.merchant.listInvitations({ query: { status: 'pending' } })).items;
    await owner.merchant.revokeInvitation({ params: { invitationId: pending?.id as string } });
    await expectProblem(invitee.client.merchant.acceptInvitation({ body: { token: secondToken } }), 400, 'MERCHANT_INVITATION_INVALID');
    await expectProblem(owner.merchant.revokeInvitation({ params: { invitationId: first.id } }), 409, 'MERCHANT_INVITATION_NOT_PENDING');
    await expectProblem(owner.merchant.revokeInvitation({ params: { invitationId: `inv_${'0'.repeat(26)}` } }), 404, 'MERCHANT_INVITATION_NOT_FOUND');
  });

  test('only the owner invites and manages invitations', async () => {
    const { store, owner } = await openStore(server);
    const manager = await hire(server, owner, store.id, 'manager');
    const staff = await hire(server, owner, store.id, 'staff');
    for (const session of [manager.session, staff.session]) {
      await expectProblem(session.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } }), 403, 'FORBIDDEN');
      await expectProblem(session.merchant.listInvitations(), 403, 'FORBIDDEN');
    }
    const invitation = await owner.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } });
    await expectProblem(staff.session.merchant.revokeInvitation({ params: { invitationId: invitation.id } }), 403, 'FORBIDDEN');
    await expectProblem(owner.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'owner' as never } }), 400, 'VALIDATION_FAILED');
    await expectProblem(manager.client.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } }), 403, 'STORE_CONTEXT_REQUIRED');
  });

  test('a member cannot join twice', async () => {
    const { store, owner } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    await owner.merchant.inviteStaff({ body: { email: staff.email, role: 'manager' } });
    await expectProblem(staff.client.merchant.acceptInvitation({ body: { token: invitationToken(server, staff.email) } }), 409, 'MERCHANT_ALREADY_MEMBER');
  });

  test('invitations page newest first', async () => {
    const { owner } = await openStore(server);
    const sent = [];
    for (let index = 0; index < 3; index++) sent.push(await owner.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } }));
    const first = await owner.merchant.listInvitations({ query: { limit: 2 } });
    const second = await owner.merchant.listInvitations({ query: { limit: 2, cursor: first.nextCursor as string } });
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual(sent.map((item) => item.id).reverse());
    expect(second.nextCursor).toBeNull();
  });
});

describe('staff', () => {
  test('lists the owner, then managers, then staff', async () => {
    const { store, owner, user } = await openStore(server);
    const staffA = await hire(server, owner, store.id, 'staff');
    const manager = await hire(server, owner, store.id, 'manager');
    const staffB = await hire(server, owner, store.id, 'staff');
    const expected = [[user.id, 'owner'], [manager.user.id, 'manager'], ...[staffA.user.id, staffB.user.id].sort().map((id) => [id, 'staff'])];
    const everyone = await staffA.session.merchant.listStaff();
    expect(everyone.items.map((item) => [item.userId, item.role])).toEqual(expected);
    const paged = [];
    let cursor: string | undefined;
    do {
      const page = await owner.merchant.listStaff({ query: { limit: 1, ...(cursor ? { cursor } : {}) } });
      paged.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged.map((item) => [item.userId, item.role])).toEqual(expected);
  });

  test('the owner removes a member, who then has no membership; staff-removed is published', async () => {
    const { store, owner } = await openStore(server);
    const staff = await hire(server, owner, store.id, 'staff');
    await owner.merchant.removeStaff({ params: { userId: staff.user.id } });
    expect((await owner.merchant.listStaff()).items.map((item) => item.userId)).not.toContain(staff.user.id);
    await expectProblem(
      serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId: store.id, userId: staff.user.id } }),
      404,
      'MERCHANT_MEMBERSHIP_NOT_FOUND',
    );
    expect((await outboxEvents(server, ['merchant.staff-removed'], { subject: store.id })).map((event) => event.data)).toEqual([
      { storeId: store.id, userId: staff.user.id },
    ]);
    await expectProblem(owner.merchant.removeStaff({ params: { userId: staff.user.id } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
  });

  test('the owner cannot remove themself or change their own role', async () => {
    const { user, owner } = await openStore(server);
    await expectProblem(owner.merchant.removeStaff({ params: { userId: user.id } }), 409, 'MERCHANT_OWNER_IMMUTABLE');
    await expectProblem(owner.merchant.changeStaffRole({ params: { userId: user.id }, body: { role: 'staff' } }), 409, 'MERCHANT_OWNER_IMMUTABLE');
  });

  test('the owner changes roles; managers and staff may not remove or change anyone', async () => {
    const { store, owner, user } = await openStore(server);
    const manager = await hire(server, owner, store.id, 'manager');
    const staff = await hire(server, owner, store.id, 'staff');
    const promoted = await owner.merchant.changeStaffRole({ params: { userId: staff.user.id }, body: { role: 'manager' } });
    expect(promoted).toMatchObject({ storeId: store.id, userId: staff.user.id, role: 'manager' });
    const membership = await serviceClient(server, 'auth').merchant.getStoreMembership({ params: { storeId: store.id, userId: staff.user.id } });
    expect(membership.role).toBe('manager');
    await expectProblem(owner.merchant.changeStaffRole({ params: { userId: staff.user.id }, body: { role: 'owner' as never } }), 400, 'VALIDATION_FAILED');

    for (const session of [manager.session, storeSession(server, store.id, 'staff', staff.user.id)]) {
      await expectProblem(session.merchant.removeStaff({ params: { userId: user.id } }), 403, 'FORBIDDEN');
      await expectProblem(session.merchant.changeStaffRole({ params: { userId: staff.user.id }, body: { role: 'staff' } }), 403, 'FORBIDDEN');
    }
    await expectProblem(
      owner.merchant.changeStaffRole({ params: { userId: `usr_${'0'.repeat(26)}` }, body: { role: 'staff' } }),
      404,
      'MERCHANT_MEMBER_NOT_FOUND',
    );
  });
});
