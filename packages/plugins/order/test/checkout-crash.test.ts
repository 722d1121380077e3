import { fileURLToPath } from 'node:url';
import { eventually, expectProblem } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StartedStore } from '../../../../test/integration/support/cli-process.js';
import { crashStores } from '../../../../test/integration/support/crash-stores.js';
import { crashCheckouts, type Setup } from './checkout-crash-support.js';
import { auditStore, expectConsistent } from './crash-audit.js';

// A checkout cut short by a real crash: the store (inventory, cart, payment, order) runs as a child
// process that SIGKILLs itself at a named step of the checkout, or of the settling after the
// payment (TOKOBAPAK_TEST_KILL_AT), then starts again on the same data. Until the orders commit
// (the payment's outcome is recorded with them, in the same transaction) the checkout is undone on
// restart; once they have, it is finished; a settling is finished. Every cart carries a coupon.
// Either way, once the restarted store is stopped, its tables add up: stock, reservations, coupon redemptions (and the promotion's use
// count), payments, checkouts and orders agree (`crash-audit.ts`). A retry with the
// idempotency key of the killed request gets the checkout's outcome, not "still in progress".

const FIXTURE = fileURLToPath(new URL('./fixtures/checkout-server.ts', import.meta.url));
const { secret, customerAt, merchantAt, prepare, checkout, available } = crashCheckouts();

const stores = crashStores(FIXTURE, { CRASH_TEST_SECRET: secret });
const start = (killAt?: string) => stores.start(killAt);

beforeAll(() => stores.open());
afterAll(() => stores.close());

/** Checks out on a store that kills itself at `killAt` during the request; resolves once it is dead. */
async function checkoutUntilKilled(killAt: string, stock: number, quantity: number): Promise<Setup> {
  const crashing = await start(killAt);
  const setup = await prepare(crashing, stock, quantity);
  await expect(checkout(customerAt(crashing, setup.userId), setup)).rejects.toThrow();
  expect(await crashing.exited).toBe('SIGKILL');
  return setup;
}

/** Stops the store and checks that its tables add up; resolves with what they hold. */
async function stopAndAudit(store: StartedStore, setup: Setup) {
  await store.stop();
  const audit = await auditStore(stores.where(), { customerId: setup.userId, variantId: setup.variantId, promotionId: setup.promotionId });
  expectConsistent(audit, setup.stock);
  return audit;
}

// Two store starts per test; on a loaded 2-core machine each can take 20 s or more.
describe('a checkout cut short by a crash', { timeout: 240_000 }, () => {
  test.each([
    ['order.checkout.reserve-stock:after', 'the stock was reserved, the reservation not yet recorded'],
    ['order.checkout.reserve-promotions:after', 'the coupon use was reserved, the redemption not yet recorded'],
    ['order.checkout.create-payment:before', 'the stock reserved and recorded, no payment yet'],
    ['order.checkout.create-payment:after', 'the payment was created, not yet recorded'],
    // The payment's outcome is recorded with the orders, in their transaction: until it commits, the checkout is undone.
    ['order.checkout.place-orders:before', 'the payment exists, the orders not yet written nor the payment recorded'],
  ])('killed at %s (%s): undone on restart; the same key answers the failure, a new one checks out', async (killAt) => {
    const setup = await checkoutUntilKilled(killAt, 2, 2);

    const store = await start();
    try {
      await eventually(async () => expect(await available(store, setup)).toBe(2), 30_000);
      const customer = customerAt(store, setup.userId);
      expect((await customer.order.listMyOrders({})).items).toEqual([]);
      expect((await merchantAt(store, setup.storeId).order.listStoreOrders({})).items).toEqual([]);
      // The killed request's key now answers what became of its checkout, not "still in progress".
      await expectProblem(checkout(customer, setup), 409, 'ORDER_CHECKOUT_FAILED');
      // The cart is still open and can be checked out again, now without a crash.
      const again = await checkout(customer, setup, `${setup.key}-again`);
      expect(again.status).toBe('awaiting_payment');
      expect(await available(store, setup)).toBe(0);
    } finally {
      const audit = await stopAndAudit(store, setup);
      expect(audit.checkouts.map((row) => row.status).sort()).toEqual(['awaiting_payment', 'failed']);
      expect(audit.payments.map((row) => row.status)).toContain('pending');
      // The undone checkout's coupon use went back; the new one holds one.
      expect(audit.promotionUses).toBe(1);
    }
  });

  test('killed at order.checkout.place-orders:after (the orders written, the answer never sent): finished on restart, and the same key gets the checkout a normal retry gets', async () => {
    const setup = await checkoutUntilKilled('order.checkout.place-orders:after', 3, 1);

    const store = await start();
    try {
      const orders = await eventually(async () => {
        const listed = (await merchantAt(store, setup.storeId).order.listStoreOrders({})).items;
        expect(listed.map((order) => order.status)).toEqual(['pending_payment']);
        return listed;
      }, 30_000);
      expect(await available(store, setup)).toBe(2);
      const customer = customerAt(store, setup.userId);
      const retried = await checkout(customer, setup);
      expect(retried).toMatchObject({ id: orders[0]?.checkoutId, status: 'awaiting_payment', payment: { status: 'pending' } });
      // A normal retry now replays the stored answer: the same one.
      expect(await checkout(customer, setup)).toEqual(retried);
    } finally {
      const audit = await stopAndAudit(store, setup);
      expect(audit.checkouts).toHaveLength(1);
      expect(audit.payments).toHaveLength(1);
      expect(audit.orders).toHaveLength(1);
    }
  });

  test('ten retries with the killed request’s key, sent at once as the store comes back, undo the one checkout and its one payment once', async () => {
    const setup = await checkoutUntilKilled('order.checkout.place-orders:before', 3, 1);

    const store = await start();
    try {
      const customer = customerAt(store, setup.userId);
      const answers = await Promise.allSettled(Array.from({ length: 10 }, () => checkout(customer, setup)));
      for (const answer of answers) {
        // Each is told the checkout failed (it was undone), or that it is still being undone (409, try again).
        expect(answer.status).toBe('rejected');
        if (answer.status === 'rejected') expect(['ORDER_CHECKOUT_FAILED', 'IDEMPOTENCY_IN_PROGRESS']).toContain(answer.reason?.code);
      }
      await eventually(() => expectProblem(checkout(customer, setup), 409, 'ORDER_CHECKOUT_FAILED'), 30_000);
      expect(await available(store, setup)).toBe(3);
    } finally {
      const audit = await stopAndAudit(store, setup);
      expect(audit.checkouts.map((row) => row.status)).toEqual(['failed']);
      expect(audit.payments.map((row) => row.status)).toEqual(['cancelled']);
      expect(audit.orders).toEqual([]);
    }
  });

  test.each([
    ['order.settle.commit-stock:after', 'the stock committed, not yet recorded'],
    ['order.settle.commit-promotions:after', 'the coupon use committed, the cart still open'],
    ['order.settle.complete-cart:before', 'the stock and the coupon use committed, the cart still open'],
    ['order.settle.confirm-orders:before', 'the cart completed, the orders still waiting'],
  ])('killed while settling the payment at %s (%s): settled on restart', async (killAt) => {
    const crashing = await start(killAt);
    const setup = await prepare(crashing, 3, 1);
    const placed = await checkout(customerAt(crashing, setup.userId), setup);
    // The store may die before the sandbox's answer reaches us: the payment is recorded by then.
    await customerAt(crashing, setup.userId)
      .payment.simulatePayment({ params: { paymentId: placed.payment?.id as string }, body: { outcome: 'paid' } })
      .catch(() => undefined);
    expect(await crashing.exited).toBe('SIGKILL');

    const store = await start();
    try {
      const customer = customerAt(store, setup.userId);
      await eventually(async () => {
        const current = await customer.order.getCheckout({ params: { checkoutId: placed.id } });
        expect(current).toMatchObject({ status: 'paid', payment: { status: 'paid' } });
        expect(current.orders.map((order) => order.status)).toEqual(['paid']);
        expect((await customer.cart.getCart({ params: { cartId: setup.cartId } })).status).toBe('completed');
      }, 30_000);
      expect(await available(store, setup)).toBe(2);
    } finally {
      const audit = await stopAndAudit(store, setup);
      expect(audit.checkouts).toMatchObject([{ status: 'paid', settled: true }]);
      expect(audit.reservations.map((row) => row.status)).toEqual(['committed']);
      expect(audit.redemptions.map((row) => row.status)).toEqual(['committed']);
      expect(audit.promotionUses).toBe(1);
      expect(audit.variant).toEqual({ onHand: 2, reserved: 0 });
    }
  });
});
