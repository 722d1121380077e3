import type { TokoBapakClient } from '@tokobapak/sdk';
import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, storeSession } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BANK_ACCOUNT, balanceOf, credit, idr } from './balance-support.js';
import { adminClient, hire, openStore, startServer } from './support.js';

let server: TestServer;
let admin: TokoBapakClient;

beforeAll(async () => {
  server = await startServer();
  admin = await adminClient(server);
});
afterAll(async () => {
  await server?.close();
});

describe('the balance and its ledger', () => {
  test('a new store has nothing; an admin adjustment credits it, double-entry and with the reason', async () => {
    const { store, owner } = await openStore(server);
    expect(await owner.merchant.getStoreBalance()).toEqual({ storeId: store.id, currency: 'IDR', available: idr(0), pending: idr(0) });
    expect((await owner.merchant.listStoreLedgerEntries()).items).toEqual([]);

    const adjustment = await admin.merchant.adjustStoreBalance({ params: { storeId: store.id }, body: { amount: idr(150_000), reason: 'Kompensasi ongkir' } });
    expect(adjustment).toMatchObject({
      storeId: store.id,
      amount: idr(150_000),
      reason: 'Kompensasi ongkir',
      balance: { available: idr(150_000), pending: idr(0) },
    });
    await admin.merchant.adjustStoreBalance({ params: { storeId: store.id }, body: { amount: idr(-50_000), reason: 'Koreksi' } });

    expect(await balanceOf(owner)).toEqual({ available: 100_000, pending: 0 });
    const entries = (await owner.merchant.listStoreLedgerEntries()).items;
    expect(entries.map((entry) => [entry.kind, entry.account, entry.amount.amount, entry.balanceAfter.amount, entry.memo])).toEqual([
      ['adjustment', 'available', -50_000, 100_000, 'Koreksi'],
      ['adjustment', 'available', 150_000, 150_000, 'Kompensasi ongkir'],
    ]);
    expect(await admin.merchant.adminGetStoreBalance({ params: { storeId: store.id } })).toEqual(await owner.merchant.getStoreBalance());
    expect((await admin.merchant.adminListStoreLedgerEntries({ params: { storeId: store.id } })).items).toEqual(entries);
  });

  test('a debit adjustment cannot take the balance below zero; zero is refused', async () => {
    const { store, owner } = await openStore(server);
    await credit(admin, store.id, 10_000);
    await expectProblem(
      admin.merchant.adjustStoreBalance({ params: { storeId: store.id }, body: { amount: idr(-10_001), reason: 'x' } }),
      409,
      'MERCHANT_INSUFFICIENT_BALANCE',
    );
    await expectProblem(
      admin.merchant.adjustStoreBalance({ params: { storeId: store.id }, body: { amount: idr(0), reason: 'x' } }),
      400,
      'MERCHANT_AMOUNT_INVALID',
    );
    const missing = `sto_${'0'.repeat(26)}`;
    await expectProblem(
      admin.merchant.adjustStoreBalance({ params: { storeId: missing }, body: { amount: idr(1), reason: 'x' } }),
      404,
      'MERCHANT_STORE_NOT_FOUND',
    );
    await expectProblem(admin.merchant.adminGetStoreBalance({ params: { storeId: missing } }), 404, 'MERCHANT_STORE_NOT_FOUND');
    expect(await balanceOf(owner)).toEqual({ available: 10_000, pending: 0 });
  });

  test('balances are per currency', async () => {
    const { store, owner } = await openStore(server);
    await admin.merchant.adjustStoreBalance({ params: { storeId: store.id }, body: { amount: { amount: 2_500, currency: 'USD' }, reason: 'USD' } });
    expect((await owner.merchant.getStoreBalance({ query: { currency: 'USD' } })).available).toEqual({ amount: 2_500, currency: 'USD' });
    expect(await balanceOf(owner)).toEqual({ available: 0, pending: 0 });
    await expectProblem(owner.merchant.requestWithdrawal({ body: { amount: idr(1), bankAccount: BANK_ACCOUNT } }), 409, 'MERCHANT_INSUFFICIENT_BALANCE');
  });

  test('entries are immutable and every posting balances, enforced by the database', async () => {
    const { store } = await openStore(server);
    await credit(admin, store.id, 1_000);
    const db = server.database.db;
    await expect(sql`update merchant.ledger_entries set amount = amount + 1 where owner = ${store.id}`.execute(db)).rejects.toThrow(/immutable/);
    await expect(sql`delete from merchant.ledger_entries where owner = ${store.id}`.execute(db)).rejects.toThrow(/immutable/);
    const entry = await sql<{
      posting_id: string;
      account_id: string;
    }>`select posting_id, account_id from merchant.ledger_entries where owner = ${store.id}`.execute(db);
    const { posting_id, account_id } = entry.rows[0] as { posting_id: string; account_id: string };
    await expect(
      sql`insert into merchant.ledger_entries (id, posting_id, account_id, owner, currency, amount) values (${`len_${'1'.repeat(26)}`}, ${posting_id}, ${account_id}, ${store.id}, 'IDR', 5)`.execute(
        db,
      ),
    ).rejects.toThrow(/does not balance/);
  });

  test('the platform ledger balances: clearing = fees + stores available + stores pending - adjustments', async () => {
    const { store, owner } = await openStore(server);
    await credit(admin, store.id, 70_000);
    await owner.merchant.requestWithdrawal({ body: { amount: idr(20_000), bankAccount: BANK_ACCOUNT } });
    const ledger = await admin.merchant.listPlatformLedgerAccounts();
    expect(ledger.clearing.amount).toBe(ledger.feeRevenue.amount + ledger.storesAvailable.amount + ledger.storesPending.amount - ledger.adjustments.amount);
    expect(ledger.storesPending.amount).toBeGreaterThanOrEqual(20_000);
  });
});

describe('withdrawals', () => {
  test('requested → approved → paid moves the money from available to pending to out', async () => {
    const { store, owner, user } = await openStore(server);
    await credit(admin, store.id, 100_000);

    const requested = await owner.merchant.requestWithdrawal({ body: { amount: idr(60_000), bankAccount: BANK_ACCOUNT, note: 'Bulan ini' } });
    expect(requested).toMatchObject({
      storeId: store.id,
      status: 'requested',
      amount: idr(60_000),
      bankAccount: BANK_ACCOUNT,
      note: 'Bulan ini',
      requestedByUserId: user.id,
    });
    expect(await balanceOf(owner)).toEqual({ available: 40_000, pending: 60_000 });

    const approved = await admin.merchant.approveWithdrawal({ params: { withdrawalId: requested.id } });
    expect(approved).toMatchObject({ status: 'approved', approvedAt: expect.any(String) });
    expect(await admin.merchant.approveWithdrawal({ params: { withdrawalId: requested.id } })).toEqual(approved);
    expect(await balanceOf(owner)).toEqual({ available: 40_000, pending: 60_000 });

    const paid = await admin.merchant.markWithdrawalPaid({ params: { withdrawalId: requested.id }, body: { payoutReference: 'TRF-2026-001' } });
    expect(paid).toMatchObject({ status: 'paid', payoutReference: 'TRF-2026-001', paidAt: expect.any(String) });
    expect(await admin.merchant.markWithdrawalPaid({ params: { withdrawalId: requested.id }, body: { payoutReference: 'TRF-2026-001' } })).toEqual(paid);
    expect(await balanceOf(owner)).toEqual({ available: 40_000, pending: 0 });
    await expectProblem(
      admin.merchant.rejectWithdrawal({ params: { withdrawalId: requested.id }, body: { reason: 'x' } }),
      409,
      'MERCHANT_WITHDRAWAL_INVALID_TRANSITION',
    );

    expect((await owner.merchant.listStoreLedgerEntries()).items.map((entry) => [entry.kind, entry.account, entry.amount.amount, entry.withdrawalId])).toEqual([
      ['withdrawal_paid', 'pending', -60_000, requested.id],
      ['withdrawal_requested', 'pending', 60_000, requested.id],
      ['withdrawal_requested', 'available', -60_000, requested.id],
      ['adjustment', 'available', 100_000, null],
    ]);
    expect((await owner.merchant.getWithdrawal({ params: { withdrawalId: requested.id } })).status).toBe('paid');
  });

  test('rejection returns the money; a requested withdrawal cannot be paid before approval', async () => {
    const { store, owner } = await openStore(server);
    await credit(admin, store.id, 30_000);
    const requested = await owner.merchant.requestWithdrawal({ body: { amount: idr(30_000), bankAccount: BANK_ACCOUNT } });
    await expectProblem(
      admin.merchant.markWithdrawalPaid({ params: { withdrawalId: requested.id }, body: { payoutReference: 'x' } }),
      409,
      'MERCHANT_WITHDRAWAL_INVALID_TRANSITION',
    );
    const rejected = await admin.merchant.rejectWithdrawal({ params: { withdrawalId: requested.id }, body: { reason: 'Nama rekening tidak cocok' } });
    expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: 'Nama rekening tidak cocok' });
    expect(await admin.merchant.rejectWithdrawal({ params: { withdrawalId: requested.id }, body: { reason: 'lagi' } })).toEqual(rejected);
    expect(await balanceOf(owner)).toEqual({ available: 30_000, pending: 0 });
    await expectProblem(admin.merchant.approveWithdrawal({ params: { withdrawalId: requested.id } }), 409, 'MERCHANT_WITHDRAWAL_INVALID_TRANSITION');
    await expectProblem(admin.merchant.approveWithdrawal({ params: { withdrawalId: `wdr_${'0'.repeat(26)}` } }), 404, 'MERCHANT_WITHDRAWAL_NOT_FOUND');
  });

  test('never more than available; owners and managers only; not from a suspended store', async () => {
    const { store, owner } = await openStore(server);
    await credit(admin, store.id, 5_000);
    await expectProblem(owner.merchant.requestWithdrawal({ body: { amount: idr(5_001), bankAccount: BANK_ACCOUNT } }), 409, 'MERCHANT_INSUFFICIENT_BALANCE');
    await expectProblem(owner.merchant.requestWithdrawal({ body: { amount: idr(0), bankAccount: BANK_ACCOUNT } }), 400, 'VALIDATION_FAILED');

    const manager = await hire(server, owner, store.id, 'manager');
    const staff = await hire(server, owner, store.id, 'staff');
    await expect(manager.session.merchant.requestWithdrawal({ body: { amount: idr(1_000), bankAccount: BANK_ACCOUNT } })).resolves.toMatchObject({
      status: 'requested',
    });
    await expectProblem(staff.session.merchant.requestWithdrawal({ body: { amount: idr(1_000), bankAccount: BANK_ACCOUNT } }), 403, 'FORBIDDEN');
    await expectProblem(staff.session.merchant.getStoreBalance(), 403, 'FORBIDDEN');
    await expectProblem(staff.session.merchant.listWithdrawals(), 403, 'FORBIDDEN');

    // A manager demoted to staff keeps a manager token until it expires; the membership decides.
    await owner.merchant.changeStaffRole({ params: { userId: manager.user.id }, body: { role: 'staff' } });
    await expectProblem(manager.session.merchant.requestWithdrawal({ body: { amount: idr(1_000), bankAccount: BANK_ACCOUNT } }), 403, 'MERCHANT_ROLE_REQUIRED');

    await admin.merchant.suspendStore({ params: { storeId: store.id }, body: { reason: 'Diperiksa' } });
    await expectProblem(owner.merchant.requestWithdrawal({ body: { amount: idr(1_000), bankAccount: BANK_ACCOUNT } }), 409, 'MERCHANT_STORE_SUSPENDED');
    expect(await balanceOf(owner)).toEqual({ available: 4_000, pending: 1_000 });
  });

  test('20 concurrent requests never take more than the available balance', async () => {
    const { store, owner } = await openStore(server);
    await credit(admin, store.id, 100_000);
    // 20 × 15,000 asks for 300,000 of 100,000: exactly 6 fit (90,000), 14 must be refused.
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => owner.merchant.requestWithdrawal({ body: { amount: idr(15_000), bankAccount: BANK_ACCOUNT } })),
    );
    const accepted = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(accepted).toHaveLength(6);
    for (const result of refused) expect(result.reason).toMatchObject({ status: 409, code: 'MERCHANT_INSUFFICIENT_BALANCE' });
    expect(await balanceOf(owner)).toEqual({ available: 10_000, pending: 90_000 });
    const listed = await owner.merchant.listWithdrawals({ query: { limit: 100 } });
    expect(listed.items.reduce((sum, item) => sum + item.amount.amount, 0)).toBe(90_000);
  });

  test('lists page newest first; admins see every store and filter', async () => {
    const { store, owner } = await openStore(server);
    await credit(admin, store.id, 3_000);
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push((await owner.merchant.requestWithdrawal({ body: { amount: idr(1_000), bankAccount: BANK_ACCOUNT } })).id);
    await admin.merchant.approveWithdrawal({ params: { withdrawalId: made[0] as string } });
    const first = await owner.merchant.listWithdrawals({ query: { limit: 2 } });
    expect(first.items.map((item) => item.id)).toEqual([made[2], made[1]]);
    const second = await owner.merchant.listWithdrawals({ query: { limit: 2, cursor: first.nextCursor as string } });
    expect(second).toEqual({ items: [expect.objectContaining({ id: made[0], status: 'approved' })], nextCursor: null });
    expect((await owner.merchant.listWithdrawals({ query: { status: 'approved' } })).items.map((item) => item.id)).toEqual([made[0]]);
    const all = await admin.merchant.adminListWithdrawals({ query: { storeId: store.id, status: 'requested' } });
    expect(all.items.map((item) => item.id)).toEqual([made[2], made[1]]);
    const entries = await owner.merchant.listStoreLedgerEntries({ query: { limit: 3 } });
    const rest = await owner.merchant.listStoreLedgerEntries({ query: { limit: 100, cursor: entries.nextCursor as string } });
    expect(entries.items.length + rest.items.length).toBe(7);
    await expectProblem(owner.merchant.listWithdrawals({ query: { cursor: 'bm9wZQ' } }), 400, 'BAD_REQUEST');
  });
});

describe('tenancy and roles', () => {
  test("a store never sees another store's withdrawals; only admins run the payout desk", async () => {
    const a = await openStore(server);
    const b = await openStore(server);
    await credit(admin, a.store.id, 10_000);
    const withdrawal = await a.owner.merchant.requestWithdrawal({ body: { amount: idr(10_000), bankAccount: BANK_ACCOUNT } });
    await expectProblem(b.owner.merchant.getWithdrawal({ params: { withdrawalId: withdrawal.id } }), 404, 'MERCHANT_WITHDRAWAL_NOT_FOUND');
    expect((await b.owner.merchant.listWithdrawals()).items).toEqual([]);
    expect((await b.owner.merchant.listStoreLedgerEntries()).items).toEqual([]);
    expect(await balanceOf(b.owner)).toEqual({ available: 0, pending: 0 });

    for (const caller of [a.client, a.owner]) {
      await expectProblem(caller.merchant.approveWithdrawal({ params: { withdrawalId: withdrawal.id } }), 403, 'FORBIDDEN');
      await expectProblem(caller.merchant.adjustStoreBalance({ params: { storeId: a.store.id }, body: { amount: idr(1), reason: 'x' } }), 403, 'FORBIDDEN');
      await expectProblem(caller.merchant.adminListWithdrawals(), 403, 'FORBIDDEN');
      await expectProblem(caller.merchant.listPlatformLedgerAccounts(), 403, 'FORBIDDEN');
    }
    await expectProblem(a.client.merchant.getStoreBalance(), 403, 'STORE_CONTEXT_REQUIRED');
    await expectProblem(server.client().merchant.getStoreBalance(), 401, 'UNAUTHENTICATED');
    // A token for a store the holder does not belong to (forged role) finds no membership to act on.
    const stranger = storeSession(server, a.store.id, 'owner');
    await expectProblem(stranger.merchant.requestWithdrawal({ body: { amount: idr(1), bankAccount: BANK_ACCOUNT } }), 403, 'MERCHANT_ROLE_REQUIRED');
  });
});
