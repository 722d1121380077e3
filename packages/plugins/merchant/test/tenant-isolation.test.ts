import { readOperations } from '@tokobapak/server';
import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { merchantPlugin } from '../src/index.js';
import { BANK_ACCOUNT, idr } from './balance-support.js';
import { adminClient, hire, openStore, startServer, uniqueEmail } from './support.js';

// Every mutating store operation of the spec is enumerated, so a new one cannot skip the check.
const plugin = merchantPlugin();
const isStoreOperation = (operation: ReturnType<typeof readOperations>[number]) =>
  operation.security.some((requirement) => requirement.scopes.some((scope) => scope.startsWith('store')));
const storeOperations = readOperations(plugin.name, plugin.spec).filter((operation) => operation.method !== 'GET' && isStoreOperation(operation));
const storeReads = readOperations(plugin.name, plugin.spec).filter((operation) => operation.method === 'GET' && isStoreOperation(operation));

let server: TestServer;
let a: Awaited<ReturnType<typeof openStore>>;
let aStaff: Awaited<ReturnType<typeof hire>>;
let aInvitationId: string;
let b: Awaited<ReturnType<typeof openStore>>;
let aWithdrawalId: string;

beforeAll(async () => {
  server = await startServer();
  a = await openStore(server, { name: 'Toko A' });
  aStaff = await hire(server, a.owner, a.store.id, 'staff');
  aInvitationId = (await a.owner.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } })).id;
  b = await openStore(server, { name: 'Toko B' });
  await (await adminClient(server)).merchant.adjustStoreBalance({ params: { storeId: a.store.id }, body: { amount: idr(50_000), reason: 'Saldo A' } });
  aWithdrawalId = (await a.owner.merchant.requestWithdrawal({ body: { amount: idr(20_000), bankAccount: BANK_ACCOUNT } })).id;
});
afterAll(async () => {
  await server?.close();
});

/**
 * For each mutating store operation: store B's owner session aims it at store A (A's members, A's
 * invitations), or, when the request names nothing of a store, checks that it acted on B.
 */
const fromBAtA: Record<string, () => Promise<void>> = {
  async updateStore() {
    expect((await b.owner.merchant.updateStore({ body: { name: 'Toko B baru' } })).id).toBe(b.store.id);
  },
  async inviteStaff() {
    expect((await b.owner.merchant.inviteStaff({ body: { email: uniqueEmail(), role: 'staff' } })).storeId).toBe(b.store.id);
  },
  async revokeInvitation() {
    await expectProblem(b.owner.merchant.revokeInvitation({ params: { invitationId: aInvitationId } }), 404, 'MERCHANT_INVITATION_NOT_FOUND');
  },
  async removeStaff() {
    await expectProblem(b.owner.merchant.removeStaff({ params: { userId: aStaff.user.id } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
    await expectProblem(b.owner.merchant.removeStaff({ params: { userId: a.user.id } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
  },
  async changeStaffRole() {
    await expectProblem(b.owner.merchant.changeStaffRole({ params: { userId: aStaff.user.id }, body: { role: 'manager' } }), 404, 'MERCHANT_MEMBER_NOT_FOUND');
  },
  async transferStoreOwnership() {
    // A's members are not B's: refused exactly like someone unknown, and neither store changes hands.
    await expectProblem(b.owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: aStaff.user.id } }), 409, 'MERCHANT_NEW_OWNER_NOT_MEMBER');
    await expectProblem(b.owner.merchant.transferStoreOwnership({ body: { newOwnerUserId: a.user.id } }), 409, 'MERCHANT_NEW_OWNER_NOT_MEMBER');
  },
  async requestWithdrawal() {
    // Store B has nothing; A's balance is not B's to take.
    await expectProblem(b.owner.merchant.requestWithdrawal({ body: { amount: idr(1), bankAccount: BANK_ACCOUNT } }), 409, 'MERCHANT_INSUFFICIENT_BALANCE');
  },
};

/** For each store read: store B's owner session sees only B's rows, and A's by id answer 404. */
const bReadingA: Record<string, () => Promise<void>> = {
  async getCurrentStore() {
    expect((await b.owner.merchant.getCurrentStore()).id).toBe(b.store.id);
  },
  async listInvitations() {
    expect((await b.owner.merchant.listInvitations()).items.map((item) => item.id)).not.toContain(aInvitationId);
  },
  async listStaff() {
    expect((await b.owner.merchant.listStaff()).items.map((item) => item.userId)).toEqual([b.user.id]);
  },
  async getStoreBalance() {
    expect(await b.owner.merchant.getStoreBalance()).toEqual({ storeId: b.store.id, currency: 'IDR', available: idr(0), pending: idr(0) });
  },
  async listStoreLedgerEntries() {
    expect((await b.owner.merchant.listStoreLedgerEntries()).items).toEqual([]);
  },
  async listWithdrawals() {
    expect((await b.owner.merchant.listWithdrawals()).items).toEqual([]);
  },
  async getWithdrawal() {
    await expectProblem(b.owner.merchant.getWithdrawal({ params: { withdrawalId: aWithdrawalId } }), 404, 'MERCHANT_WITHDRAWAL_NOT_FOUND');
  },
};

test('the read sweep covers every store read', () => {
  expect(storeReads.map((operation) => operation.operationId).sort()).toEqual(Object.keys(bReadingA).sort());
});

describe("store B's owner session reads nothing of store A", () => {
  test.each(storeReads.map((operation) => [operation.operationId] as const))('%s', async (operationId) => {
    const check = bReadingA[operationId];
    if (!check) throw new Error(`no tenant-isolation read check for ${operationId}`);
    await check();
  });
});

test('the sweep covers every mutating store operation', () => {
  expect(storeOperations.map((operation) => operation.operationId).sort()).toEqual(Object.keys(fromBAtA).sort());
});

describe("store B's owner session never reaches store A", () => {
  test.each(storeOperations.map((operation) => [operation.operationId] as const))('%s', async (operationId) => {
    const check = fromBAtA[operationId];
    if (!check) throw new Error(`no tenant-isolation check for ${operationId}`);
    await check();
  });

  test('B sees only B, and store A is untouched', async () => {
    expect((await b.owner.merchant.getCurrentStore()).id).toBe(b.store.id);
    expect((await b.owner.merchant.listStaff()).items.map((item) => [item.userId, item.role])).toEqual([[b.user.id, 'owner']]);
    expect((await b.owner.merchant.listInvitations()).items.every((item) => item.storeId === b.store.id)).toBe(true);

    expect((await a.owner.merchant.getCurrentStore()).name).toBe('Toko A');
    expect((await a.owner.merchant.listStaff()).items.map((item) => [item.userId, item.role])).toEqual([
      [a.user.id, 'owner'],
      [aStaff.user.id, 'staff'],
    ]);
    expect((await a.owner.merchant.listInvitations({ query: { status: 'pending' } })).items.map((item) => item.id)).toEqual([aInvitationId]);
    expect((await a.owner.merchant.getStoreBalance()).available).toEqual(idr(30_000));
  });
});

test('without a store session, store operations are refused', async () => {
  const c = await openStore(server);
  await expectProblem(c.client.merchant.listStaff(), 403, 'STORE_CONTEXT_REQUIRED');
  await expectProblem(c.client.merchant.updateStore({ body: { name: 'x' } }), 403, 'STORE_CONTEXT_REQUIRED');
  await expectProblem(c.client.merchant.removeStaff({ params: { userId: c.user.id } }), 403, 'STORE_CONTEXT_REQUIRED');
  await expectProblem(c.client.merchant.transferStoreOwnership({ body: { newOwnerUserId: c.user.id } }), 403, 'STORE_CONTEXT_REQUIRED');
});
