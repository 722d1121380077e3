import { randomUUID } from 'node:crypto';
import { newId } from '@tokobapak/server';
import { expectProblem, manualClock, outboxEvents, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { shareOf } from '../src/refund-amounts.js';
import { paidOrder, startCheckoutServer, stockOf } from './checkout-support.js';

// Refunds that do not go through at once, under a manual clock: the sandbox gateway is broken (its
// refund book renamed away: the payment service gets no answer) or refuses (its books say the money
// went back already). A refund left pending is finished by the `finish-refunds` job; one the gateway
// refuses, at once or on the payment service's own retry, is kept `owed`: the cancellation stands,
// the payment owes the money to the customer by hand, and an admin's acknowledgement settles it.

const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  // The payment service retries a pending refund after 30 s; the order's job drives one after 60 s.
  server = await startCheckoutServer({ clock, payment: { reconcileIntervalSeconds: 10, reconcileAfterSeconds: 30 } });
});
afterAll(async () => {
  await server?.close();
});

const paymentOf = (paymentId: string) => serviceClient(server, 'order').payment.getPayment({ params: { paymentId } });
const breakGateway = () => sql`alter table payment.sandbox_refunds rename to sandbox_refunds_broken`.execute(server.database.db);
const mendGateway = () => sql`alter table payment.sandbox_refunds_broken rename to sandbox_refunds`.execute(server.database.db);
/** The gateway's books say how much of the charge went back already: at `amount` it refuses every refund. */
const gatewayRefunded = (paymentId: string, amount: number) =>
  sql`update payment.sandbox_transactions set refunded_amount = ${amount} where order_id = ${paymentId}`.execute(server.database.db);
const refundsOf = async (orderId: string) =>
  (
    await sql<{
      status: string;
      attempts: number;
    }>`select status, attempts from "order".order_refunds where order_id = ${orderId} order by created_at, id`.execute(server.database.db)
  ).rows;

/** A paid order of two units whose first unit's cancellation is delayed (no answer from the gateway): counted, its refund pending. */
async function firstUnitDelayed() {
  const { order, product, paymentId } = await paidOrder(server, { price: 15_000, quantity: 2, stock: 4 });
  const line = order.lines[0];
  if (!line) throw new Error('no line');
  const desk = storeSession(server, order.storeId);
  const params = { orderId: order.id };
  const body = { lines: [{ lineId: line.id, quantity: 1 }] };
  await breakGateway();
  try {
    await expectProblem(desk.order.cancelOrder({ params, body }), 503, 'ORDER_REFUND_DELAYED');
  } finally {
    await mendGateway();
  }
  return { order, product, paymentId, line, desk, params, body };
}

describe('refunds that do not go through at once', () => {
  test('a refund the payment service cannot make is left pending, holds completion back, and is finished by the job', async () => {
    const { order, product, paymentId } = await paidOrder(server, { price: 20_001, quantity: 3, stock: 5 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const desk = storeSession(server, order.storeId);
    const params = { orderId: order.id };
    const first = shareOf(line.total.amount, 1, 3);

    await breakGateway();
    try {
      await expectProblem(desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }] } }), 503, 'ORDER_REFUND_DELAYED');
    } finally {
      await mendGateway();
    }
    // Counted (so no second cancellation can take the same money), not made yet.
    const counted = await desk.order.getStoreOrder({ params });
    expect(counted.totals.refunded.amount).toBe(first);
    expect(counted.refunds).toMatchObject([{ status: 'pending', amount: { amount: first }, lines: [{ lineId: line.id, quantity: 1 }], by: 'store' }]);
    expect(await refundsOf(order.id)).toEqual([{ status: 'pending', attempts: 1 }]);
    expect(await outboxEvents(server, ['order.refunded'], { subject: order.id })).toHaveLength(0);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 2, reserved: 0 });
    // The fee is computed on what the store keeps: completion waits for the refund.
    await desk.order.acceptOrder({ params, body: {} });
    await expectProblem(desk.order.completeOrder({ params, body: {} }), 409, 'ORDER_REFUND_PENDING');

    // Too young for the job at first; a minute later it finishes the refund.
    clock.advance(20_000);
    await server.jobs.tick();
    expect(await refundsOf(order.id)).toEqual([{ status: 'pending', attempts: 1 }]);
    clock.advance(45_000);
    await server.jobs.tick();
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['succeeded']);
    const finished = (await desk.order.getStoreOrder({ params })).refunds;
    expect(finished.map((refund) => refund.status)).toEqual(['succeeded']);
    expect(Date.parse(finished[0]?.updatedAt ?? '')).toBeGreaterThan(Date.parse(finished[0]?.createdAt ?? ''));
    const payment = await paymentOf(paymentId);
    expect(payment.refundedAmount.amount).toBe(first);
    expect(payment.refunds.map((refund) => refund.status)).toEqual(['succeeded']);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 3, reserved: 0 });
    const events = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(events.map((event) => event.data.amount)).toEqual([{ amount: first, currency: 'IDR' }]);
    // Again changes nothing: one refund, one event.
    clock.advance(70_000);
    await server.jobs.tick();
    expect(await outboxEvents(server, ['order.refunded'], { subject: order.id })).toHaveLength(1);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(first);

    const completed = await desk.order.completeOrder({ params, body: {} });
    expect(completed.status).toBe('completed');
    const [done] = await outboxEvents(server, ['order.completed'], { subject: order.id });
    expect(done?.data).toMatchObject({ total: order.totals.total, refunded: { amount: first, currency: 'IDR' } });
  });

  test('a cancellation retried with its Idempotency-Key after ORDER_REFUND_DELAYED counts its refund once, whatever the retries and the job do', async () => {
    const { order, product, paymentId } = await paidOrder(server, { price: 20_001, quantity: 3, stock: 5 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const desk = storeSession(server, order.storeId);
    const params = { orderId: order.id };
    const body = { lines: [{ lineId: line.id, quantity: 1 }], reason: 'Out of beans' };
    const idempotencyKey = randomUUID();
    const first = shareOf(line.total.amount, 1, 3);

    await breakGateway();
    try {
      await expectProblem(desk.order.cancelOrder({ params, idempotencyKey, body }), 503, 'ORDER_REFUND_DELAYED');
      // The store retries as a 503 invites it to, with the same key: still nothing through, still one unit counted.
      await expectProblem(desk.order.cancelOrder({ params, idempotencyKey, body }), 503, 'ORDER_REFUND_DELAYED');
    } finally {
      await mendGateway();
    }
    expect(await refundsOf(order.id)).toEqual([{ status: 'pending', attempts: 2 }]);
    expect((await desk.order.getStoreOrder({ params })).totals.refunded.amount).toBe(first);
    // The same key with another request is refused, not counted.
    await expectProblem(desk.order.cancelOrder({ params, idempotencyKey, body: { lines: [{ lineId: line.id, quantity: 2 }] } }), 422, 'IDEMPOTENCY_KEY_REUSED');

    // The gateway is back: retries race each other and the job over the one refund.
    clock.advance(65_000);
    const [retries] = await Promise.all([
      Promise.allSettled(Array.from({ length: 4 }, () => desk.order.cancelOrder({ params, idempotencyKey, body }))),
      server.jobs.tick(),
    ]);
    for (const retry of retries) {
      if (retry.status === 'fulfilled') expect(retry.value.totals.refunded.amount).toBe(first);
      // Another retry holds the key, or the payment service is still answering the one that drives the refund.
      else expect(['IDEMPOTENCY_IN_PROGRESS', 'ORDER_REFUND_DELAYED']).toContain((retry.reason as { problem?: { code?: string } }).problem?.code);
    }
    const settled = await desk.order.cancelOrder({ params, idempotencyKey, body });
    expect(settled.totals.refunded.amount).toBe(first);
    expect(settled.lines[0]).toMatchObject({ refundedQuantity: 1, refundedAmount: { amount: first } });
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['succeeded']);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(first);
    const events = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(events.map((event) => event.data.amount)).toEqual([{ amount: first, currency: 'IDR' }]);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 3, reserved: 0 });

    // A new key is a new cancellation: the second unit, at its cumulative share.
    const second = await desk.order.cancelOrder({ params, idempotencyKey: randomUUID(), body });
    expect(second.totals.refunded.amount).toBe(shareOf(line.total.amount, 2, 3));
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(shareOf(line.total.amount, 2, 3));
  });

  test('a customer retrying a delayed cancellation with its key gets the order back once the refund is through', async () => {
    const { order, buyer, paymentId } = await paidOrder(server, { price: 9_999, quantity: 2, stock: 4 });
    const params = { orderId: order.id };
    const idempotencyKey = randomUUID();
    await breakGateway();
    try {
      await expectProblem(buyer.client.order.cancelMyOrder({ params, idempotencyKey, body: {} }), 503, 'ORDER_REFUND_DELAYED');
    } finally {
      await mendGateway();
    }
    const cancelled = await buyer.client.order.cancelMyOrder({ params, idempotencyKey, body: {} });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.totals.refunded).toEqual(order.totals.total);
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['succeeded']);
    expect((await paymentOf(paymentId)).refundedAmount).toEqual(order.totals.total);
    expect(await outboxEvents(server, ['order.refunded'], { subject: order.id })).toHaveLength(1);
  });

  test('a refund the gateway refuses at once is kept owed: the cancellation stands, and an admin acknowledging the hand refund settles it', async () => {
    const { order, product, paymentId } = await paidOrder(server, { price: 15_000, quantity: 2, stock: 4 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const desk = storeSession(server, order.storeId);
    const params = { orderId: order.id };
    const first = shareOf(line.total.amount, 1, 2);

    // The gateway's books say the money went back already: it refuses every refund, as Midtrans does a bank transfer's.
    await gatewayRefunded(paymentId, order.totals.total.amount);
    const partial = await desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }] } });
    expect(partial.status).toBe('paid');
    expect(partial.totals.refunded.amount).toBe(first);
    expect(partial.lines[0]).toMatchObject({ refundedQuantity: 1, refundedAmount: { amount: first } });
    expect(partial.refunds).toMatchObject([{ status: 'owed', amount: { amount: first }, lines: [{ lineId: line.id, quantity: 1 }], restocked: true }]);
    expect(await refundsOf(order.id)).toEqual([{ status: 'owed', attempts: 0 }]);
    // The store no longer has the money (its ledger hears it), and the unit is back on the shelf.
    const refunded = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(refunded.map((event) => event.data.amount)).toEqual([{ amount: first, currency: 'IDR' }]);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 3, reserved: 0 });
    // The payment moved nothing and owes it: the admins' queue, and their mail, say so.
    const payment = await paymentOf(paymentId);
    expect(payment.refundedAmount.amount).toBe(0);
    expect(payment.refunds.map((refund) => refund.status)).toEqual(['failed']);
    expect(payment.refundOwed.amount).toBe(first);
    expect(await outboxEvents(server, ['payment.refund-failed'], { subject: paymentId })).toHaveLength(1);

    // The rest, refused too: the order is cancelled all the same, everything owed by hand.
    const cancelled = await desk.order.cancelOrder({ params, body: {} });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.totals.refunded).toEqual(order.totals.total);
    expect(cancelled.refunds.map((refund) => refund.status)).toEqual(['owed', 'owed']);
    expect(await outboxEvents(server, ['order.cancelled'], { subject: order.id })).toHaveLength(1);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 0 });
    expect((await paymentOf(paymentId)).refundOwed).toEqual(order.totals.total);

    // An admin pays the customer back by bank transfer and says so: both refunds are settled.
    const accessToken = server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: newId('ses'), storeId: null, storeRole: null });
    const admin = server.client({ accessToken });
    await admin.payment.acknowledgeRefundFailure({ params: { paymentId }, body: { note: 'BCA transfer 8812' } });
    await server.relay.drain();
    const settled = await desk.order.getStoreOrder({ params });
    expect(settled.refunds.map((refund) => refund.status)).toEqual(['succeeded', 'succeeded']);
    expect(settled.totals.refunded).toEqual(order.totals.total);
    // Delivered again, it changes nothing; and nothing more moved anywhere.
    await server.relay.drain();
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['succeeded', 'succeeded']);
    expect(await outboxEvents(server, ['order.refunded'], { subject: order.id })).toHaveLength(2);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(0);
  });

  test('a refund the payment service accepted and the gateway refused on its retry is kept owed', async () => {
    const { order, product, paymentId } = await paidOrder(server, { price: 12_345, quantity: 2, stock: 4 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const desk = storeSession(server, order.storeId);
    const params = { orderId: order.id };
    const first = shareOf(line.total.amount, 1, 2);

    await breakGateway();
    try {
      await expectProblem(desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }] } }), 503, 'ORDER_REFUND_DELAYED');
    } finally {
      await mendGateway();
    }
    await gatewayRefunded(paymentId, order.totals.total.amount);
    // The payment service retries first (after 30 s) and the gateway refuses: its refund fails, owed.
    clock.advance(40_000);
    await server.jobs.tick();
    expect((await paymentOf(paymentId)).refunds.map((refund) => refund.status)).toEqual(['failed']);
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['pending']);
    // Then the order's job drives its refund, learns the gateway refused it, and keeps it owed.
    clock.advance(30_000);
    await server.jobs.tick();
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['owed']);
    const after = await desk.order.getStoreOrder({ params });
    expect(after.status).toBe('paid');
    expect(after.totals.refunded.amount).toBe(first);
    expect(after.lines[0]).toMatchObject({ refundedQuantity: 1, refundedAmount: { amount: first } });
    expect(await outboxEvents(server, ['order.refunded'], { subject: order.id })).toHaveLength(1);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 3, reserved: 0 });
    const payment = await paymentOf(paymentId);
    expect(payment.refundedAmount.amount).toBe(0);
    expect(payment.refundOwed.amount).toBe(first);

    // Nothing is pending: the order can complete, its fee on what the store keeps.
    await desk.order.acceptOrder({ params, body: {} });
    const completed = await desk.order.completeOrder({ params, body: {} });
    expect(completed.totals.refunded.amount).toBe(first);
  });

  test('a later cancellation of the rest does not cancel the order while an earlier refund is pending; refused and owed, the last to finish cancels it', async () => {
    const { order, product, paymentId, line, desk, params, body } = await firstUnitDelayed();
    // The second, the last unit left, goes through at once; the first is still pending, so the order is not cancelled yet.
    const rest = await desk.order.cancelOrder({ params, body });
    const first = shareOf(line.total.amount, 1, 2);
    const second = rest.totals.refunded.amount - first;
    expect(rest.status).toBe('paid');
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['pending', 'succeeded']);

    // The gateway refuses the first on the payment service's retry; the order's job learns it and keeps it owed.
    await gatewayRefunded(paymentId, order.totals.total.amount);
    clock.advance(40_000);
    await server.jobs.tick();
    clock.advance(30_000);
    await server.jobs.tick();
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['owed', 'succeeded']);

    // Every unit's refund is through, one by hand: the order is cancelled, both units back on the shelf.
    const after = await desk.order.getStoreOrder({ params });
    expect(after.status).toBe('cancelled');
    expect(after.totals.refunded.amount).toBe(order.totals.total.amount);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(second);
    expect((await paymentOf(paymentId)).refundOwed.amount).toBe(first);
    expect(await outboxEvents(server, ['order.cancelled'], { subject: order.id })).toHaveLength(1);
    const refundedEvents = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(refundedEvents.map((event) => event.data.amount)).toEqual([
      { amount: second, currency: 'IDR' },
      { amount: first, currency: 'IDR' },
    ]);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 0 });
  });

  test('when the earlier pending refund goes through after all, the refund that finishes last cancels the order', async () => {
    const { order, paymentId, desk, params, body } = await firstUnitDelayed();
    expect((await desk.order.cancelOrder({ params, body })).status).toBe('paid');
    clock.advance(70_000);
    await server.jobs.tick();
    await server.jobs.tick();
    expect((await refundsOf(order.id)).map((refund) => refund.status)).toEqual(['succeeded', 'succeeded']);
    const after = await desk.order.getStoreOrder({ params });
    expect(after.status).toBe('cancelled');
    expect(after.totals.refunded.amount).toBe(order.totals.total.amount);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(order.totals.total.amount);
    expect(await outboxEvents(server, ['order.cancelled'], { subject: order.id })).toHaveLength(1);
  });
});
