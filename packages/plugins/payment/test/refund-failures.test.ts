import { customerSession, expectProblem, outboxEvents, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MidtransFixture } from './midtrans-fixture.js';
import { orderService, paymentInput, person, type Schemas, startMidtransStore } from './support.js';

// Refunds the gateway refuses, on a store using the Midtrans adapter against the local
// Midtrans-speaking server, which refuses bank-transfer refunds as Midtrans does. A refusal is told
// once (`payment.refund-failed`), the payment owes it (`refundOwed`) and sits on the admins'
// `refundFailed` queue until a refund requested after it makes it good, it is refunded in full, or
// an admin acknowledges that the money went back another way.

const SERVER_KEY = 'SB-Mid-server-refund-failures';
let server: TestServer;
let midtrans: MidtransFixture;
let storeUrl = '';

beforeAll(async () => {
  ({ server, midtrans } = await startMidtransStore(SERVER_KEY, { notificationUrl: () => `${storeUrl}/payment/webhooks/midtrans` }));
  storeUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

const order = () => orderService(server).payment;
const idr = (amount: number) => ({ amount, currency: 'IDR' });

/** A payment of 150 000 the customer paid at Midtrans by virtual account (whose refunds Midtrans refuses), the store told by its notification. */
async function paidByTransfer(): Promise<Schemas['Payment']> {
  const payment = await order().createPayment({ body: paymentInput(null) });
  await midtrans.notify(payment.id, 'settlement');
  return order().getPayment({ params: { paymentId: payment.id } });
}

/** A refund of the order service, under its key. */
const refund = (paymentId: string, amount: number, key: string) =>
  order().refundPayment({ params: { paymentId }, body: { amount: idr(amount), reason: `lines of ${key}` }, idempotencyKey: key });

/** The refund, with the gateway refusing bank transfers for its length. */
async function refused(paymentId: string, amount: number, key: string) {
  midtrans.refusedRefundTypes.add('bank_transfer');
  try {
    await expectProblem(refund(paymentId, amount, key), 422, 'PAYMENT_PROVIDER_REFUSED');
  } finally {
    midtrans.refusedRefundTypes.delete('bank_transfer');
  }
}

const queue = async () => (await adminOf().payment.listPayments({ query: { refundFailed: true, limit: 100 } })).items.map((payment) => payment.id);
const refusals = (paymentId: string) => outboxEvents(server, ['payment.refund-failed'], { subject: paymentId });
const adminOf = () => person(server, 'admin').client;

describe('a refund the gateway refuses', () => {
  test('is told once, however often the refund is retried, and owed until a later refund makes it good', async () => {
    const payment = await paidByTransfer();
    expect(payment).toMatchObject({ status: 'paid', refundOwed: idr(0) });

    await refused(payment.id, 40_000, 'lines-1');
    const refusedOnce = await refusals(payment.id);
    expect(refusedOnce).toHaveLength(1);
    const [event] = refusedOnce;
    const [failedRefund] = (await order().getPayment({ params: { paymentId: payment.id } })).refunds;
    expect(event?.data).toEqual({
      paymentId: payment.id,
      reference: payment.reference,
      customerId: null,
      amount: idr(40_000),
      refundId: failedRefund?.id,
      reason: 'lines of lines-1',
      owed: idr(40_000),
      provider: 'midtrans',
    });
    expect(await queue()).toContain(payment.id);

    // The same call again, one after another and at once (the gateway refusing still, or not any more):
    // the refund stays the one refused, and nothing is told twice.
    midtrans.refusedRefundTypes.add('bank_transfer');
    const again = await refund(payment.id, 40_000, 'lines-1');
    // At once, a call may also be told the first is still in progress (the runtime's idempotency).
    for (const outcome of await Promise.allSettled([1, 2, 3].map(() => refund(payment.id, 40_000, 'lines-1')))) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
    }
    midtrans.refusedRefundTypes.delete('bank_transfer');
    expect((await refund(payment.id, 40_000, 'lines-1')).refunds).toEqual(again.refunds);
    expect(again).toMatchObject({ status: 'paid', refundOwed: idr(40_000), refunds: [{ status: 'failed' }] });
    expect(await refusals(payment.id)).toHaveLength(1);

    // Redone under a new key once the gateway takes it: made good, the payment leaves the queue.
    const redone = await refund(payment.id, 40_000, 'lines-1-redo');
    expect(redone).toMatchObject({ status: 'partially_refunded', refundedAmount: idr(40_000), refundOwed: idr(0) });
    expect(await queue()).not.toContain(payment.id);
    expect(await refusals(payment.id)).toHaveLength(1);
  });

  test('two refusals are owed until refunds after them add up to both; a refund that was there before makes nothing good', async () => {
    const payment = await paidByTransfer();
    // A refund that went through before any refusal is not a redo of one.
    await refund(payment.id, 10_000, 'early');
    await refused(payment.id, 30_000, 'lines-a');
    await refused(payment.id, 20_000, 'lines-b');
    const owing = await order().getPayment({ params: { paymentId: payment.id } });
    expect(owing).toMatchObject({ status: 'partially_refunded', refundedAmount: idr(10_000), refundOwed: idr(50_000) });
    expect((await refusals(payment.id)).map((event) => (event.data as { owed: unknown }).owed)).toEqual([idr(30_000), idr(50_000)]);

    expect((await refund(payment.id, 30_000, 'lines-a-redo')).refundOwed).toEqual(idr(20_000));
    expect(await queue()).toContain(payment.id);
    expect((await refund(payment.id, 20_000, 'lines-b-redo')).refundOwed).toEqual(idr(0));
    expect(await queue()).not.toContain(payment.id);
  });

  test('a refund already under way when the refusal came is not a redo of it', async () => {
    const payment = await paidByTransfer();
    // The first refund gets no answer from Midtrans: it stays pending, its money held for it.
    midtrans.nextRefund = 'down';
    await expectProblem(refund(payment.id, 30_000, 'slow'), 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
    await refused(payment.id, 20_000, 'lines-c');
    // The pending one goes through afterwards (its caller retries it under its key): still owed.
    const finished = await refund(payment.id, 30_000, 'slow');
    expect(finished).toMatchObject({ status: 'partially_refunded', refundedAmount: idr(30_000), refundOwed: idr(20_000) });
    expect(await queue()).toContain(payment.id);
  });

  test('a payment refunded in full owes nothing, whatever was refused before', async () => {
    const payment = await paidByTransfer();
    await refused(payment.id, 150_000, 'everything');
    expect(await queue()).toContain(payment.id);
    // What is owed is never more than the payment holds: a partial refund after it leaves the rest owed.
    expect((await refund(payment.id, 100_000, 'most')).refundOwed).toEqual(idr(50_000));
    expect((await refund(payment.id, 50_000, 'rest')).refundOwed).toEqual(idr(0));
    expect((await order().getPayment({ params: { paymentId: payment.id } })).status).toBe('refunded');
    expect(await queue()).not.toContain(payment.id);
  });

  test('a void whose full refund is refused owes it once, however often the void is repeated', async () => {
    const payment = await paidByTransfer();
    midtrans.refusedRefundTypes.add('bank_transfer');
    try {
      for (let i = 0; i < 3; i++) await expectProblem(order().voidPayment({ body: { reference: payment.reference } }), 422, 'PAYMENT_PROVIDER_REFUSED');
      await Promise.all([1, 2, 3].map(() => expectProblem(order().voidPayment({ body: { reference: payment.reference } }), 422, 'PAYMENT_PROVIDER_REFUSED')));
    } finally {
      midtrans.refusedRefundTypes.delete('bank_transfer');
    }
    expect(await refusals(payment.id)).toHaveLength(1);
    expect((await order().getPayment({ params: { paymentId: payment.id } })).refundOwed).toEqual(idr(150_000));
  });
});

describe('acknowledging a refused refund', () => {
  test('an admin clears what is owed, once: the history says who and how, the money columns stay as they are', async () => {
    const payment = await paidByTransfer();
    await refused(payment.id, 60_000, 'lines-x');
    const { userId: adminId, client } = person(server, 'admin');
    const note = 'sent back by bank transfer, BCA ref 8812';

    const acknowledged = await client.payment.acknowledgeRefundFailure({ params: { paymentId: payment.id }, body: { note } });
    expect(acknowledged).toMatchObject({ status: 'paid', refundedAmount: idr(0), refundOwed: idr(0) });
    const entry = acknowledged.history.at(-1);
    expect(entry).toMatchObject({ status: 'paid', source: 'api' });
    expect(entry?.note).toContain(adminId);
    expect(entry?.note).toContain(note);
    expect(await queue()).not.toContain(payment.id);

    // Again, and three at once: answered as it is, nothing recorded twice.
    const repeated = await client.payment.acknowledgeRefundFailure({ params: { paymentId: payment.id }, body: { note: 'again' } });
    const together = await Promise.all([1, 2, 3].map(() => client.payment.acknowledgeRefundFailure({ params: { paymentId: payment.id }, body: { note } })));
    for (const answer of [repeated, ...together]) expect(answer).toEqual(acknowledged);

    // A new refusal after it is owed again, and told.
    await refused(payment.id, 5_000, 'lines-y');
    expect((await order().getPayment({ params: { paymentId: payment.id } })).refundOwed).toEqual(idr(5_000));
    expect(await refusals(payment.id)).toHaveLength(2);
    expect(await queue()).toContain(payment.id);
  });

  test('once acknowledged, the void whose full refund was refused answers the payment, refunding nothing', async () => {
    const payment = await paidByTransfer();
    midtrans.refusedRefundTypes.add('bank_transfer');
    try {
      await expectProblem(order().voidPayment({ body: { reference: payment.reference } }), 422, 'PAYMENT_PROVIDER_REFUSED');
      await person(server, 'admin').client.payment.acknowledgeRefundFailure({ params: { paymentId: payment.id }, body: { note: 'paid back by hand' } });
      // The order service's undo, retried until now, is done: no new refund, no new refusal.
      const voided = await order().voidPayment({ body: { reference: payment.reference } });
      expect(voided.payment).toMatchObject({ id: payment.id, status: 'paid', refundOwed: idr(0), refunds: [{ status: 'failed' }] });
    } finally {
      midtrans.refusedRefundTypes.delete('bank_transfer');
    }
    expect(await refusals(payment.id)).toHaveLength(1);
    expect([...midtrans.refunds.values()].filter((made) => made.orderId === payment.id)).toEqual([]);
  });

  test('a payment that owes nothing is answered unchanged, with no history entry', async () => {
    const clean = await paidByTransfer();
    const { client } = person(server, 'admin');
    const answer = await client.payment.acknowledgeRefundFailure({ params: { paymentId: clean.id }, body: { note: 'nothing to settle' } });
    expect(answer).toEqual(await order().getPayment({ params: { paymentId: clean.id } }));
    expect(answer.history).toEqual(clean.history);
  });

  test('only admins may acknowledge; an unknown payment is a 404 and a bad note a 400, changing nothing', async () => {
    const payment = await paidByTransfer();
    await refused(payment.id, 15_000, 'lines-z');
    const body = { note: 'settled' };
    const params = { paymentId: payment.id };
    const customer = person(server);
    await expectProblem(customer.client.payment.acknowledgeRefundFailure({ params, body }), 403, 'FORBIDDEN');
    await expectProblem(customerSession(server).payment.acknowledgeRefundFailure({ params, body }), 403, 'FORBIDDEN');
    await expectProblem(storeSession(server).payment.acknowledgeRefundFailure({ params, body }), 403, 'FORBIDDEN');
    await expectProblem(order().acknowledgeRefundFailure({ params, body }), 401, 'UNAUTHENTICATED');
    await expectProblem(server.client().payment.acknowledgeRefundFailure({ params, body }), 401, 'UNAUTHENTICATED');

    const { client } = person(server, 'admin');
    await expectProblem(client.payment.acknowledgeRefundFailure({ params, body: { note: '' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(client.payment.acknowledgeRefundFailure({ params, body: { note: 'x'.repeat(401) } }), 400, 'VALIDATION_FAILED');
    await expectProblem(client.payment.acknowledgeRefundFailure({ params, body: {} as never }), 400, 'VALIDATION_FAILED');
    await expectProblem(client.payment.acknowledgeRefundFailure({ params: { paymentId: `pay_${'0'.repeat(26)}` }, body }), 404, 'PAYMENT_NOT_FOUND');
    const still = await order().getPayment({ params });
    expect(still.refundOwed).toEqual(idr(15_000));
    expect(await queue()).toContain(payment.id);
  });
});
