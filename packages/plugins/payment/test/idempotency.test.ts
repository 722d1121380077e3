import { randomUUID } from 'node:crypto';
import { TokoBapakError } from '@tokobapak/sdk';
import { expectProblem, expectProblemResponse, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { countRows, orderService, paymentInput, person, type Schemas, startPaymentServer } from './support.js';

// Money moves once: creates, cancels and refunds retried ten times, one after the other and all at
// once, with one idempotency key or a key per retry, make one charge, one cancellation, one refund.

let server: TestServer;
beforeAll(async () => {
  server = await startPaymentServer();
});
afterAll(async () => {
  await server?.close();
});

/** Settled outcomes of concurrent calls: the successes, and the codes of the refusals. */
async function settleAll<T>(calls: Array<Promise<T>>): Promise<{ ok: T[]; codes: string[] }> {
  const results = await Promise.allSettled(calls);
  const ok: T[] = [];
  const codes: string[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') ok.push(result.value);
    else if (result.reason instanceof TokoBapakError) codes.push(result.reason.code);
    else throw result.reason;
  }
  return { ok, codes };
}

async function paidPayment(amount = 100_000): Promise<Schemas['Payment']> {
  const owner = person(server);
  const payment = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId, { amount: { amount, currency: 'IDR' } }) });
  await owner.client.payment.simulatePayment({ params: { paymentId: payment.id }, body: { outcome: 'paid' } });
  return payment;
}

describe('createPayment', () => {
  test('ten retries in a row with one key make one payment and one charge', async () => {
    const input = paymentInput(person(server).userId);
    const key = randomUUID();
    const answers = [];
    for (let i = 0; i < 10; i += 1) answers.push(await orderService(server).payment.createPayment({ body: input, idempotencyKey: key }));
    expect(new Set(answers.map((payment) => payment.id)).size).toBe(1);
    expect(await countRows(server, 'payments', 'reference', input.reference)).toBe(1);
    expect(await countRows(server, 'sandbox_transactions', 'order_id', answers[0]?.id ?? '')).toBe(1);
  });

  test('ten concurrent calls, with one key or a key each, make one payment and one charge', async () => {
    for (const sameKey of [true, false]) {
      const input = paymentInput(person(server).userId);
      const key = randomUUID();
      const { ok, codes } = await settleAll(
        Array.from({ length: 10 }, () => orderService(server).payment.createPayment({ body: input, idempotencyKey: sameKey ? key : randomUUID() })),
      );
      // With one key, calls that arrive while the first runs are told to retry; none makes a payment of its own.
      expect(codes.filter((code) => code !== 'IDEMPOTENCY_IN_PROGRESS')).toEqual([]);
      expect(ok.length).toBeGreaterThan(0);
      expect(new Set(ok.map((payment) => payment.id)).size).toBe(1);
      expect(ok.every((payment) => payment.instructions?.vaNumber === ok[0]?.instructions?.vaNumber)).toBe(true);
      expect(await countRows(server, 'payments', 'reference', input.reference)).toBe(1);
      expect(await countRows(server, 'sandbox_transactions', 'order_id', ok[0]?.id ?? '')).toBe(1);
    }
  });

  test('a key reused for another request is refused', async () => {
    const key = randomUUID();
    await orderService(server).payment.createPayment({ body: paymentInput(null), idempotencyKey: key });
    await expectProblem(orderService(server).payment.createPayment({ body: paymentInput(null), idempotencyKey: key }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });
});

describe('cancelPayment', () => {
  test('ten concurrent cancellations cancel once', async () => {
    const payment = await orderService(server).payment.createPayment({ body: paymentInput(null) });
    const { ok, codes } = await settleAll(
      Array.from({ length: 10 }, () =>
        orderService(server).payment.cancelPayment({ params: { paymentId: payment.id }, body: {}, idempotencyKey: randomUUID() }),
      ),
    );
    expect(codes).toEqual([]);
    expect(ok.every((answer) => answer.status === 'cancelled')).toBe(true);
    expect(await outboxEvents(server, ['payment.cancelled'], { subject: payment.id })).toHaveLength(1);
  });
});

describe('refundPayment', () => {
  test('one refund retried ten times, also concurrently, refunds once', async () => {
    const payment = await paidPayment();
    const key = randomUUID();
    const refund = { amount: { amount: 25_000, currency: 'IDR' }, reason: 'one line out of stock' };
    const serial = [];
    for (let i = 0; i < 3; i += 1)
      serial.push(await orderService(server).payment.refundPayment({ params: { paymentId: payment.id }, body: refund, idempotencyKey: key }));
    const { ok } = await settleAll(
      Array.from({ length: 7 }, () => orderService(server).payment.refundPayment({ params: { paymentId: payment.id }, body: refund, idempotencyKey: key })),
    );
    for (const answer of [...serial, ...ok]) expect(answer.refundedAmount.amount).toBe(25_000);
    const after = await orderService(server).payment.getPayment({ params: { paymentId: payment.id } });
    expect(after.status).toBe('partially_refunded');
    expect(after.refunds).toHaveLength(1);
    expect(await countRows(server, 'sandbox_refunds', 'order_id', payment.id)).toBe(1);
    const events = await outboxEvents(server, ['payment.refunded'], { subject: payment.id });
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      amount: { amount: 25_000, currency: 'IDR' },
      refundedTotal: { amount: 25_000, currency: 'IDR' },
      fullyRefunded: false,
    });
  });

  test('concurrent refunds never pass what was paid', async () => {
    const payment = await paidPayment(100_000);
    const { ok, codes } = await settleAll(
      Array.from({ length: 10 }, () =>
        orderService(server).payment.refundPayment({
          params: { paymentId: payment.id },
          body: { amount: { amount: 30_000, currency: 'IDR' } },
          idempotencyKey: randomUUID(),
        }),
      ),
    );
    expect(ok).toHaveLength(3);
    expect(codes).toEqual(Array(7).fill('PAYMENT_REFUND_EXCEEDS_PAID'));
    let after = await orderService(server).payment.getPayment({ params: { paymentId: payment.id } });
    expect(after).toMatchObject({ status: 'partially_refunded', refundedAmount: { amount: 90_000 } });
    after = await orderService(server).payment.refundPayment({
      params: { paymentId: payment.id },
      body: { amount: { amount: 10_000, currency: 'IDR' } },
      idempotencyKey: randomUUID(),
    });
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: { amount: 100_000 } });
    expect(after.history.map((entry) => entry.status)).toEqual([
      'pending',
      'paid',
      'partially_refunded',
      'partially_refunded',
      'partially_refunded',
      'refunded',
    ]);
    await expectProblem(
      orderService(server).payment.refundPayment({
        params: { paymentId: payment.id },
        body: { amount: { amount: 1, currency: 'IDR' } },
        idempotencyKey: randomUUID(),
      }),
      409,
      'PAYMENT_NOT_REFUNDABLE',
    );
    const events = await outboxEvents(server, ['payment.refunded'], { subject: payment.id });
    expect(events.map((event) => event.data.fullyRefunded)).toEqual([false, false, false, true]);
  });

  test('refunds need a key, a paid payment and its currency', async () => {
    const payment = await paidPayment();
    const pending = await orderService(server).payment.createPayment({ body: paymentInput(null) });
    const body = { amount: { amount: 1_000, currency: 'IDR' } };
    // The SDK makes up a key when the caller gives none; a raw request without one is refused.
    const keyless = await server.app.inject({
      method: 'POST',
      url: `/payment/payments/${payment.id}/refunds`,
      headers: { 'x-service-credential': server.tokens.signServiceToken('order') },
      payload: body,
    });
    expectProblemResponse(keyless, 400, 'VALIDATION_FAILED');
    await expectProblem(
      orderService(server).payment.refundPayment({ params: { paymentId: pending.id }, body, idempotencyKey: randomUUID() }),
      409,
      'PAYMENT_NOT_REFUNDABLE',
    );
    await expectProblem(
      orderService(server).payment.refundPayment({
        params: { paymentId: payment.id },
        body: { amount: { amount: 1_000, currency: 'USD' } },
        idempotencyKey: randomUUID(),
      }),
      400,
      'PAYMENT_CURRENCY_MISMATCH',
    );
    await expectProblem(
      orderService(server).payment.refundPayment({
        params: { paymentId: payment.id },
        body: { amount: { amount: 100_001, currency: 'IDR' } },
        idempotencyKey: randomUUID(),
      }),
      409,
      'PAYMENT_REFUND_EXCEEDS_PAID',
    );
    await expectProblem(
      person(server).client.payment.refundPayment({ params: { paymentId: payment.id }, body, idempotencyKey: randomUUID() }),
      403,
      'SERVICE_CREDENTIAL_REQUIRED',
    );
  });
});
