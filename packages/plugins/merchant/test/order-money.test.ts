import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import type { TokoBapakClient } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, expectProblem, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { merchantPlugin } from '../src/index.js';
import { BANK_ACCOUNT, balanceOf, idr } from './balance-support.js';
import { orderEventSource } from './order-events.js';
import { ADMIN_EMAIL, adminClient, openStore } from './support.js';

const orders = orderEventSource();
let server: TestServer;
let admin: TokoBapakClient;

beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      authPlugin({ adminEmails: [ADMIN_EMAIL], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      orders.plugin,
    ],
  });
  admin = await adminClient(server);
});
afterAll(async () => {
  await server?.close();
});

const customerId = newId('usr');

/** `order.completed` for an order of `storeId`, with the fee at `basisPoints` of what was kept, rounded down (as order computes it). */
function completed(storeId: string, orderId: string, total: number, refunded: number, basisPoints: number) {
  const platformFee = Math.floor(((total - refunded) * basisPoints) / 10_000);
  return { orderId, storeId, customerId, total: idr(total), refunded: idr(refunded), platformFee: idr(platformFee), platformFeeBasisPoints: basisPoints };
}

function refunded(storeId: string, orderId: string, amount: number, orderCompleted: boolean, refundId = newId('orf')) {
  return { orderId, storeId, customerId, amount: idr(amount), refundId, orderCompleted };
}

describe('order money in the ledger', () => {
  test('the balance after completion, partial refund and fee matches the ledger to the unit', async () => {
    const { store, owner } = await openStore(server);
    const first = newId('ord');
    const second = newId('ord');

    // 99,999 at 2.5%: the fee is 2,499 (2,499.975 rounded down), the store keeps 97,500.
    await orders.publish(server, 'order.completed', completed(store.id, first, 99_999, 0, 250));
    expect(await balanceOf(owner)).toEqual({ available: 97_500, pending: 0 });
    // A line of 33,333 refunded after completion: the store pays it back, the fee stays with the platform.
    await orders.publish(server, 'order.refunded', refunded(store.id, first, 33_333, true));
    expect(await balanceOf(owner)).toEqual({ available: 64_167, pending: 0 });

    // 50,000 of which 20,000 was refunded before completion: the fee is on 30,000 (750), and the
    // early refund is already left out of the credit, so it posts nothing.
    await orders.publish(server, 'order.refunded', refunded(store.id, second, 20_000, false));
    expect(await balanceOf(owner)).toEqual({ available: 64_167, pending: 0 });
    await orders.publish(server, 'order.completed', completed(store.id, second, 50_000, 20_000, 250));
    expect(await balanceOf(owner)).toEqual({ available: 64_167 + 29_250, pending: 0 });

    // The ledger, entry by entry: each amount, the running balance, and the sum equal to the balance.
    const entries = (await owner.merchant.listStoreLedgerEntries({ query: { limit: 100 } })).items.reverse();
    expect(entries.map((entry) => [entry.kind, entry.orderId, entry.amount.amount, entry.balanceAfter.amount])).toEqual([
      ['order_completed', first, 97_500, 97_500],
      ['order_refunded', first, -33_333, 64_167],
      ['order_completed', second, 29_250, 93_417],
    ]);
    expect(entries.reduce((sum, entry) => sum + entry.amount.amount, 0)).toBe(93_417);
    expect(entries[0]?.memo).toBe('Order completed: total 99999, refunded before completion 0, platform fee 2499 (2.50%)');

    // The platform's side of the same postings, read from a fresh database's ledger.
    expect(await admin.merchant.listPlatformLedgerAccounts()).toEqual({
      currency: 'IDR',
      clearing: idr(99_999 - 33_333 + 30_000),
      feeRevenue: idr(2_499 + 750),
      adjustments: idr(0),
      storesAvailable: idr(93_417),
      storesPending: idr(0),
    });
    const unbalanced = await sql<{ posting_id: string }>`
      select posting_id from merchant.ledger_entries group by posting_id having sum(amount) <> 0`.execute(server.database.db);
    expect(unbalanced.rows).toEqual([]);
  });

  test('a redelivered or republished event posts once (same orderId, same refundId)', async () => {
    const { store, owner } = await openStore(server);
    const orderId = newId('ord');
    const completion = completed(store.id, orderId, 10_000, 0, 1_000);
    const refund = refunded(store.id, orderId, 4_000, true);
    await Promise.all([1, 2, 3].map(() => orders.publish(server, 'order.completed', completion)));
    await Promise.all([1, 2, 3].map(() => orders.publish(server, 'order.refunded', refund)));
    expect(await balanceOf(owner)).toEqual({ available: 9_000 - 4_000, pending: 0 });
    expect((await owner.merchant.listStoreLedgerEntries()).items).toHaveLength(2);
    // A second refund of the same order is a different refund, and posts.
    await orders.publish(server, 'order.refunded', refunded(store.id, orderId, 1_000, true));
    expect(await balanceOf(owner)).toEqual({ available: 4_000, pending: 0 });
  });

  test('earnings can be withdrawn; a refund after that may leave available below zero, and blocks withdrawals', async () => {
    const { store, owner } = await openStore(server);
    const orderId = newId('ord');
    await orders.publish(server, 'order.completed', completed(store.id, orderId, 20_000, 0, 0));
    await owner.merchant.requestWithdrawal({ body: { amount: idr(15_000), bankAccount: BANK_ACCOUNT } });
    await orders.publish(server, 'order.refunded', refunded(store.id, orderId, 10_000, true));
    expect(await balanceOf(owner)).toEqual({ available: -5_000, pending: 15_000 });
    await expectProblem(owner.merchant.requestWithdrawal({ body: { amount: idr(1), bankAccount: BANK_ACCOUNT } }), 409, 'MERCHANT_INSUFFICIENT_BALANCE');
  });

  test('an impossible completion (fee above what was kept) is dead-lettered and posts nothing', async () => {
    const { store, owner } = await openStore(server);
    const orderId = newId('ord');
    await orders.publish(server, 'order.completed', { ...completed(store.id, orderId, 1_000, 0, 0), platformFee: idr(1_001) });
    expect(await balanceOf(owner)).toEqual({ available: 0, pending: 0 });
    const dead = await sql<{ last_error: string }>`
      select last_error from tokobapak.dead_letters where consumer = 'merchant.post-order-money'`.execute(server.database.db);
    expect(dead.rows.map((row) => row.last_error).join('\n')).toContain(orderId);
  });
});
