import { fileURLToPath } from 'node:url';
import { eventually, expectProblem } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CrashStores, crashStores } from '../../../../test/integration/support/crash-stores.js';
import { type MidtransFixture, startMidtransFixture } from '../../payment/test/midtrans-fixture.js';
import { crashCheckouts } from './checkout-crash-support.js';
import { auditStore, expectConsistent } from './crash-audit.js';

// A checkout killed (SIGKILL, TOKOBAPAK_TEST_KILL_AT) before its payment began, on a store whose
// payments go through the Midtrans adapter to the local Midtrans-speaking server of the payment
// tests, which counts the charge requests it gets. `reserve-stock` writes `create-payment`'s started
// record ahead of it, so the restarted store undoes `create-payment` too, not knowing whether it
// ran: that undoing must void the payment's reference, not create the payment to learn it. Before,
// it did create it: Midtrans got a charge (then a cancel) for a checkout nobody was paying. A crash
// after the payment was made (and before the orders' transaction, which records it, committed)
// cancels that one charge and makes no other; if the customer paid it while the store was down, the
// undo refunds it in full, once.

const FIXTURE = fileURLToPath(new URL('./fixtures/checkout-server.ts', import.meta.url));
const SERVER_KEY = 'SB-Mid-server-crash-key';
const { secret, customerAt, prepare, checkout, available } = crashCheckouts();

let midtrans: MidtransFixture;
let stores: CrashStores;

beforeAll(async () => {
  midtrans = await startMidtransFixture(SERVER_KEY, () => 'http://127.0.0.1:9/unused');
  stores = crashStores(FIXTURE, { CRASH_TEST_SECRET: secret, CRASH_TEST_MIDTRANS_URL: midtrans.url, CRASH_TEST_MIDTRANS_KEY: SERVER_KEY });
  await stores.open();
});
afterAll(async () => {
  await stores?.close();
  await midtrans?.close();
});

// Two store starts per test; on a loaded 2-core machine each can take 20 s or more.
describe('a checkout cut short by a crash, paid through Midtrans', { timeout: 240_000 }, () => {
  test.each([
    ['order.checkout.reserve-stock:after', 0],
    ['order.checkout.reserve-promotions:after', 0],
    ['order.checkout.create-payment:before', 0],
    ['order.checkout.create-payment:after', 1],
    // The payment made, its outcome waiting for the orders' transaction, which never came.
    ['order.checkout.place-orders:before', 1],
  ])('killed at %s: undone on restart with %i charge request at Midtrans, and nothing left live there', async (killAt, charges) => {
    const chargesBefore = midtrans.chargeRequests.length;
    const crashing = await stores.start(killAt);
    const setup = await prepare(crashing, 2, 2);
    await expect(checkout(customerAt(crashing, setup.userId), setup)).rejects.toThrow();
    expect(await crashing.exited).toBe('SIGKILL');

    const store = await stores.start();
    try {
      // Undone: the stock is back, and the killed request's key answers the failure.
      await eventually(async () => expect(await available(store, setup)).toBe(2), 30_000);
      await expectProblem(checkout(customerAt(store, setup.userId), setup), 409, 'ORDER_CHECKOUT_FAILED');
    } finally {
      await store.stop();
    }
    const audit = await auditStore(stores.where(), { customerId: setup.userId, variantId: setup.variantId, promotionId: setup.promotionId });
    expectConsistent(audit, setup.stock);
    expect(audit.checkouts.map((row) => row.status)).toEqual(['failed']);
    // Midtrans saw only the charge the killed run made itself, if it got that far; none to find out.
    expect(midtrans.chargeRequests.length - chargesBefore).toBe(charges);
    // And nothing is left live there: every transaction Midtrans holds was cancelled (or, of the last test, refunded).
    expect([...midtrans.transactions.values()].filter((transaction) => !['cancel', 'refund'].includes(transaction.transaction_status))).toEqual([]);
    expect(audit.payments.map((row) => row.status)).toEqual(charges ? ['cancelled'] : []);
  });

  test('killed after its payment was made, which the customer paid while the store was down: undone on restart with the payment refunded once', async () => {
    const chargesBefore = midtrans.chargeRequests.length;
    const crashing = await stores.start('order.checkout.create-payment:after');
    const setup = await prepare(crashing, 2, 2);
    await expect(checkout(customerAt(crashing, setup.userId), setup)).rejects.toThrow();
    expect(await crashing.exited).toBe('SIGKILL');
    const charged = midtrans.chargeRequests.slice(chargesBefore).map((body) => (body.transaction_details as { order_id: string }).order_id);
    expect(charged).toHaveLength(1);
    const paymentId = charged[0] as string;
    // Paid at Midtrans while no store ran; its notification went nowhere.
    midtrans.setStatus(paymentId, 'settlement');

    const store = await stores.start();
    try {
      await eventually(async () => expect(await available(store, setup)).toBe(2), 30_000);
      await expectProblem(checkout(customerAt(store, setup.userId), setup), 409, 'ORDER_CHECKOUT_FAILED');
    } finally {
      await store.stop();
    }
    const audit = await auditStore(stores.where(), { customerId: setup.userId, variantId: setup.variantId, promotionId: setup.promotionId });
    expectConsistent(audit, setup.stock);
    expect(audit.checkouts.map((row) => row.status)).toEqual(['failed']);
    expect(audit.payments.map((row) => row.status)).toEqual(['refunded']);
    // The whole amount went back at Midtrans, in one refund.
    const refunds = [...midtrans.refunds.values()].filter((refund) => refund.orderId === paymentId);
    expect(refunds).toHaveLength(1);
    expect(`${refunds[0]?.amount}.00`).toBe(midtrans.transactions.get(paymentId)?.gross_amount);
    expect(midtrans.transactions.get(paymentId)?.transaction_status).toBe('refund');
  });
});
