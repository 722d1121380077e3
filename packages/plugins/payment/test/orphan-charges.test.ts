import { expectProblem, manualClock, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MidtransFixture } from './midtrans-fixture.js';
import { orderService, paymentInput, startMidtransStore } from './support.js';

// A charge that reached Midtrans after the void had looked there, its answer lost: the create fails,
// the payment reads `cancelled` here, and Midtrans holds a live charge that nobody would ever look
// at, since reconciliation only asked about pending payments. The reconciliation job now checks
// recently cancelled payments once at the gateway (against the local Midtrans-speaking server, which
// counts the cancel requests it gets), cancelling what is pending there and refunding what was paid.

const SERVER_KEY = 'SB-Mid-server-orphan-key';
const clock = manualClock();
let server: TestServer;
let midtrans: MidtransFixture;

beforeAll(async () => {
  ({ server, midtrans } = await startMidtransStore(SERVER_KEY, { clock, payment: { reconcileIntervalSeconds: 60, reconcileAfterSeconds: 600 } }));
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

const order = () => orderService(server).payment;
const cancelsOf = (paymentId: string) => midtrans.cancelRequests.filter((orderId) => orderId === paymentId);
const storedPayment = (reference: string) =>
  server.database.db
    .withSchema('payment')
    .selectFrom('payments' as never)
    .select(['id', 'status'] as never)
    .where('reference' as never, '=', reference as never)
    .executeTakeFirst() as Promise<{ id: string; status: string } | undefined>;

/**
 * A create whose charge is held at Midtrans while the reference is voided (the void asks Midtrans,
 * finds nothing, and cancels the payment here), then reaches Midtrans and has its answer lost: a
 * pending charge there, a cancelled payment here. Answers the payment's id.
 */
async function orphanCharge(): Promise<string> {
  const input = paymentInput(null, { method: { type: 'qris' } });
  let release = () => {};
  midtrans.holdCharges = new Promise<void>((resolve) => {
    release = resolve;
  });
  const creating = order().createPayment({ body: input });
  try {
    await expect.poll(() => storedPayment(input.reference), { timeout: 10_000 }).toBeDefined();
    const voided = await order().voidPayment({ body: { reference: input.reference } });
    expect(voided.payment).toMatchObject({ status: 'cancelled' });
    midtrans.nextCharge = 'lost';
  } finally {
    midtrans.holdCharges = undefined;
    release();
  }
  await expectProblem(creating, 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
  const stored = await storedPayment(input.reference);
  if (!stored) throw new Error('no payment');
  expect(stored.status).toBe('cancelled');
  expect(midtrans.transactions.get(stored.id)?.transaction_status).toBe('pending');
  // A retried create is refused as voided, and does not reach Midtrans.
  await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
  return stored.id;
}

/** Moves the clock by a reconciliation interval and runs the due jobs. */
async function nextRun(minutes = 1): Promise<void> {
  clock.advance(minutes * 60_000);
  await server.jobs.tick();
}

describe('payment.reconcile-pending on recently cancelled payments', () => {
  test('a charge left pending at Midtrans is cancelled there once, after the cancellation settled, and never asked about again', async () => {
    const paymentId = await orphanCharge();
    expect(cancelsOf(paymentId)).toEqual([]);
    // Not before `reconcileAfterSeconds`: a create may still be charging.
    await nextRun(5);
    expect(cancelsOf(paymentId)).toEqual([]);
    await nextRun(6);
    expect(cancelsOf(paymentId)).toEqual([paymentId]);
    expect(midtrans.transactions.get(paymentId)?.transaction_status).toBe('cancel');
    const payment = await order().getPayment({ params: { paymentId } });
    expect(payment.status).toBe('cancelled');
    expect(payment.history.at(-1)).toMatchObject({ status: 'cancelled', source: 'reconciliation' });
    // Later runs neither cancel again nor ask.
    await nextRun();
    await nextRun(30);
    expect(cancelsOf(paymentId)).toEqual([paymentId]);
    expect(await outboxEvents(server, ['payment.cancelled'], { subject: paymentId })).toHaveLength(1);
  });

  test('a charge paid at Midtrans while the payment read cancelled is recorded paid and refunded in full, once', async () => {
    const paymentId = await orphanCharge();
    midtrans.setStatus(paymentId, 'settlement');
    await nextRun(11);
    const payment = await order().getPayment({ params: { paymentId } });
    expect(payment).toMatchObject({ status: 'refunded', refundedAmount: { amount: 150_000, currency: 'IDR' } });
    expect(payment.history.map((entry) => [entry.status, entry.source])).toEqual([
      ['pending', 'api'],
      ['cancelled', 'api'],
      ['paid', 'reconciliation'],
      ['refunded', 'api'],
    ]);
    await nextRun();
    await nextRun(30);
    expect([...midtrans.refunds.values()].filter((refund) => refund.orderId === paymentId)).toEqual([{ orderId: paymentId, amount: 150_000 }]);
    expect(await outboxEvents(server, ['payment.refunded'], { subject: paymentId })).toHaveLength(1);
    expect(cancelsOf(paymentId)).toEqual([]);
  });

  test('a payment cancelled the usual way is asked about once and left alone', async () => {
    const input = paymentInput(null, { method: { type: 'qris' } });
    const payment = await order().createPayment({ body: input });
    await order().cancelPayment({ params: { paymentId: payment.id }, body: {} });
    expect(cancelsOf(payment.id)).toEqual([payment.id]);
    await nextRun(11);
    await nextRun(30);
    expect(cancelsOf(payment.id)).toEqual([payment.id]);
    const after = await order().getPayment({ params: { paymentId: payment.id } });
    expect(after.history.map((entry) => entry.status)).toEqual(['pending', 'cancelled']);
    expect(await outboxEvents(server, ['payment.cancelled'], { subject: payment.id })).toHaveLength(1);
  });
});
