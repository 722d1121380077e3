import type { TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectProblem, hire, openStore, startServer, uniqueEmail } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

test("store B's owner session never reaches store A", async () => {
  const a = await openStore(server, { name: 'Toko A' });
  const aStaff = await hire(server, a.owner, a.store.id, 'staff');
  const aInvitation = await a.owner.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } });
  const b = await openStore(server, { name: 'Toko B' });

  // Every merchant operation acts on the session's store: B sees only B.
  expect((await b.owner.merchant.getCurrentStore()).id).toBe(b.store.id);
  expect((await b.owner.merchant.updateStore({ body: { name: 'Toko B baru' } })).id).toBe(b.store.id);
  expect((await b.owner.merchant.listStaff()).items.map((item) => item.userId)).toEqual([b.user.id]);
  expect((await b.owner.merchant.listInvitations()).items).toEqual([]);

  // A's rows answer 404 to B, exactly like missing ones, and stay untouched.
  await expectProblem(b.owner.merchant.removeStaff({ params: { userId: aStaff.user.id } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
  await expectProblem(b.owner.merchant.removeStaff({ params: { userId: a.user.id } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
  await expectProblem(b.owner.merchant.changeStaffRole({ params: { userId: aStaff.user.id }, body: { role: 'manager' } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
  await expectProblem(b.owner.merchant.revokeInvitation({ params: { invitationId: aInvitation.id } }), 404, 'MERCHANT_INVITATION_NOT_FOUND');

  expect((await a.owner.merchant.getCurrentStore()).name).toBe('Toko A');
  expect((await a.owner.merchant.listStaff()).items.map((item) => [item.userId, item.role])).toEqual([
    [a.user.id, 'owner'],
    [aStaff.user.id, 'staff'],
  ]);
  expect((await a.owner.merchant.listInvitations({ query: { status: 'pending' } })).items.map((item) => item.id)).toEqual([aInvitation.id]);
});

test('without a store session, store operations are refused', async () => {
  const a = await openStore(server);
  await expectProblem(a.client.merchant.listStaff(), 403, 'FORBIDDEN');
  await expectProblem(a.client.merchant.updateStore({ body: { name: 'x' } }), 403, 'FORBIDDEN');
  await expectProblem(a.client.merchant.removeStaff({ params: { userId: a.user.id } }), 403, 'FORBIDDEN');
});
