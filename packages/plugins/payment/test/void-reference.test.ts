import { expectProblem, manualClock, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MidtransFixture } from './midtrans-fixture.js';
import { orderService, paymentInput, person, raceCreateWithVoid, sleep, startMidtransStore } from './support.js';

// Voiding a reference (`voidPayment`) through the SDK, with the Midtrans adapter against the local
// Midtrans-speaking server, which counts the charge requests it gets: a void makes none, and a create
// of a voided reference, later or at the same moment, ends with no payment or a cancelled one, never
// a live charge.

const SERVER_KEY = 'SB-Mid-server-void-key';
const clock = manualClock();
let server: TestServer;
let midtrans: MidtransFixture;

beforeAll(async () => {
  ({ server, midtrans } = await startMidtransStore(SERVER_KEY, { clock }));
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

const order = () => orderService(server).payment;
/** Charge requests Midtrans got for a payment id. */
const chargesOf = (paymentId: string) => midtrans.chargeRequests.filter((body) => (body.transaction_details as { order_id: string }).order_id === paymentId);
/** The reference's payment as stored, or undefined. */
const storedPayment = (reference: string) =>
  server.database.db
    .withSchema('payment')
    .selectFrom('payments' as never)
    .select(['id', 'status'] as never)
    .where('reference' as never, '=', reference as never)
    .executeTakeFirst() as Promise<{ id: string; status: string } | undefined>;

describe('voiding a reference', () => {
  test('before any create: nothing is charged, then or later; a later create is refused; voiding again answers the same', async () => {
    const input = paymentInput(null);
    const before = midtrans.chargeRequests.length;
    const voided = await order().voidPayment({ body: { reference: input.reference, reason: 'checkout undone' } });
    expect(voided).toEqual({ reference: input.reference, voidedAt: expect.any(String), payment: null });

    await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
    await expectProblem(order().createPayment({ body: input, idempotencyKey: `checkout:${input.reference}` }), 409, 'PAYMENT_REFERENCE_VOIDED');
    expect(midtrans.chargeRequests.length).toBe(before);
    expect(await storedPayment(input.reference)).toBeUndefined();

    clock.advance(60_000);
    expect(await order().voidPayment({ body: { reference: input.reference } })).toEqual(voided);
  });

  test('a pending payment is cancelled there and at Midtrans, and a create of it again is refused without a charge', async () => {
    const input = paymentInput(person(server).userId, { method: { type: 'qris' } });
    const payment = await order().createPayment({ body: input });
    const voided = await order().voidPayment({ body: { reference: input.reference } });
    expect(voided.payment).toMatchObject({ id: payment.id, status: 'cancelled' });
    expect(midtrans.transactions.get(payment.id)?.transaction_status).toBe('cancel');
    expect(await outboxEvents(server, ['payment.cancelled'], { subject: payment.id })).toHaveLength(1);

    await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
    expect(chargesOf(payment.id)).toHaveLength(1);
    // Again: nothing more happens.
    expect((await order().voidPayment({ body: { reference: input.reference } })).payment).toMatchObject({ status: 'cancelled' });
    expect(await outboxEvents(server, ['payment.cancelled'], { subject: payment.id })).toHaveLength(1);
  });

  test('a charge whose answer was lost is cancelled at Midtrans, and the retried create charges nothing', async () => {
    const input = paymentInput(null);
    midtrans.nextCharge = 'lost';
    await expectProblem(order().createPayment({ body: input }), 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
    const stored = await storedPayment(input.reference);
    expect(stored?.status).toBe('pending');

    const voided = await order().voidPayment({ body: { reference: input.reference } });
    expect(voided.payment).toMatchObject({ status: 'cancelled' });
    expect(midtrans.transactions.get(stored?.id as string)?.transaction_status).toBe('cancel');
    await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
    expect(chargesOf(stored?.id as string)).toHaveLength(1);
  });

  test('a create still charging when the void comes cancels its own charge and is refused', async () => {
    const input = paymentInput(null);
    let release = () => {};
    midtrans.holdCharges = new Promise<void>((resolve) => {
      release = resolve;
    });
    const creating = order().createPayment({ body: input });
    try {
      // The payment is written and its charge is on its way to Midtrans, held there.
      await expect.poll(() => storedPayment(input.reference), { timeout: 10_000 }).toBeDefined();
      const voided = await order().voidPayment({ body: { reference: input.reference } });
      expect(voided.payment).toMatchObject({ status: 'cancelled' });
    } finally {
      midtrans.holdCharges = undefined;
      release();
    }
    await expectProblem(creating, 409, 'PAYMENT_REFERENCE_VOIDED');
    const stored = await storedPayment(input.reference);
    expect(stored?.status).toBe('cancelled');
    // The charge reached Midtrans after the void had looked there: the create cancelled it.
    expect(chargesOf(stored?.id as string)).toHaveLength(1);
    expect(midtrans.transactions.get(stored?.id as string)?.transaction_status).toBe('cancel');
  });

  test('a paid payment is refunded in full, once, however many voids run, one after another or at once', async () => {
    const input = paymentInput(null, { method: { type: 'qris' } });
    const payment = await order().createPayment({ body: input });
    // Paid at Midtrans, its notification not yet arrived: the store learns it when it tries to cancel.
    midtrans.setStatus(payment.id, 'settlement');
    const voided = await order().voidPayment({ body: { reference: input.reference } });
    expect(voided.payment).toMatchObject({ id: payment.id, status: 'refunded', refundedAmount: { amount: 150_000, currency: 'IDR' } });
    expect(voided.payment?.refunds).toEqual([expect.objectContaining({ status: 'succeeded', amount: { amount: 150_000, currency: 'IDR' } })]);
    expect(voided.payment?.history.map((entry) => entry.status)).toEqual(['pending', 'paid', 'refunded']);
    // Voided again, and five times at once: nothing more goes back.
    await Promise.all(Array.from({ length: 5 }, () => order().voidPayment({ body: { reference: input.reference } })));
    expect((await order().voidPayment({ body: { reference: input.reference } })).payment?.status).toBe('refunded');
    expect([...midtrans.refunds.values()].filter((refund) => refund.orderId === payment.id)).toEqual([{ orderId: payment.id, amount: 150_000 }]);
    expect(midtrans.transactions.get(payment.id)?.transaction_status).toBe('refund');
    expect(await outboxEvents(server, ['payment.refunded'], { subject: payment.id })).toHaveLength(1);
    expect((await order().getPayment({ params: { paymentId: payment.id } })).refunds).toHaveLength(1);
    // The reference is void all the same: no second payment for it.
    await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
  });

  test('voids racing the first one to a paid payment refund it once', async () => {
    const input = paymentInput(null, { method: { type: 'qris' } });
    const payment = await order().createPayment({ body: input });
    midtrans.setStatus(payment.id, 'settlement');
    const answers = await Promise.all(Array.from({ length: 6 }, () => order().voidPayment({ body: { reference: input.reference } })));
    for (const answer of answers) expect(answer.payment?.status).toBe('refunded');
    expect([...midtrans.refunds.values()].filter((refund) => refund.orderId === payment.id)).toHaveLength(1);
    expect(await outboxEvents(server, ['payment.refunded'], { subject: payment.id })).toHaveLength(1);
  });

  test('only services may void', async () => {
    await expectProblem(person(server).client.payment.voidPayment({ body: { reference: 'chk_x' } }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
  });
});

describe('a create and a void of one reference at once', { timeout: 120_000 }, () => {
  test('forty times, the void sent before, with, during and after the create: never a live payment, here or at Midtrans', async () => {
    const outcomes = { none: 0, cancelled: 0 };
    for (let round = 0; round < 40; round++) {
      const input = paymentInput(null, { method: { type: 'qris' } });
      const mode = round % 4;
      // 3: the charge is held at Midtrans for a moment, so the void comes while it is in flight.
      midtrans.holdCharges = mode === 3 ? sleep(15) : undefined;
      // 0: the void is sent first; 1: both at once; 2 and 3: the void a few milliseconds into the create.
      await raceCreateWithVoid(order(), input, mode, round % 5, round);

      const stored = await storedPayment(input.reference);
      expect(['cancelled', undefined], `round ${round}: the payment`).toContain(stored?.status);
      if (stored) {
        // Whatever reached Midtrans was cancelled there; nothing was charged twice.
        const atMidtrans = midtrans.transactions.get(stored.id)?.transaction_status;
        expect(['cancel', undefined], `round ${round}: at Midtrans`).toContain(atMidtrans);
        expect(chargesOf(stored.id).length).toBeLessThanOrEqual(1);
        outcomes.cancelled++;
      } else outcomes.none++;
      // A create after it all is refused and charges nothing.
      const charges = midtrans.chargeRequests.length;
      await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
      expect(midtrans.chargeRequests.length).toBe(charges);
    }
    midtrans.holdCharges = undefined;
    // Some rounds raced a payment that existed (the void cancelled it, or the create its own charge).
    expect(outcomes.cancelled).toBeGreaterThan(0);
  });
});
