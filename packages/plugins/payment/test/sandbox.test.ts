import { newId } from '@tokobapak/server';
import { expectProblem, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderService, paymentInput, paymentStatements, person, startPaymentServer } from './support.js';

// The sandbox gateway through the public API: what each method gives the customer, who may read
// and pay a payment, and the customer paying (or not) through the simulation.

let server: TestServer;
beforeAll(async () => {
  server = await startPaymentServer();
});
afterAll(async () => {
  await server?.close();
});

describe('creating payments in the sandbox', () => {
  test('each method answers what the customer needs to pay', async () => {
    const order = orderService(server);
    const { userId } = person(server);
    const banks = ['bca', 'bni', 'bri', 'permata'] as const;
    for (const bank of banks) {
      const payment = await order.payment.createPayment({ body: paymentInput(userId, { method: { type: 'virtual_account', bank } }) });
      expect(payment).toMatchObject({ status: 'pending', provider: 'sandbox', amount: { amount: 150_000, currency: 'IDR' } });
      expect(payment.instructions).toMatchObject({ type: 'virtual_account', bank });
      expect(payment.instructions?.vaNumber).toMatch(/^[0-9]{16}$/);
    }
    const gopay = await order.payment.createPayment({ body: paymentInput(userId, { method: { type: 'ewallet', provider: 'gopay' } }) });
    expect(gopay.instructions).toMatchObject({ type: 'ewallet', ewallet: 'gopay' });
    expect(gopay.instructions?.deeplinkUrl).toMatch(/^tokobapak-sandbox:\/\/gopay\//);
    const qris = await order.payment.createPayment({ body: paymentInput(userId, { method: { type: 'qris' } }) });
    expect(qris.instructions?.qrString).toMatch(/^000201010212.*5303360.*6304[0-9A-F]{4}$/);
    const card = await order.payment.createPayment({ body: paymentInput(userId, { method: { type: 'card' } }) });
    expect(card.instructions?.redirectUrl).toMatch(/^https:\/\/sandbox\.tokobapak\.invalid\/card\//);
    expect(gopay.history).toEqual([expect.objectContaining({ status: 'pending', source: 'api' })]);
    expect(Date.parse(gopay.expiresAt) - Date.parse(gopay.createdAt)).toBe(86_400_000);
  });

  test('only services create payments; bad input is a 400', async () => {
    const customer = person(server);
    await expectProblem(customer.client.payment.createPayment({ body: paymentInput(customer.userId) }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    await expectProblem(server.client().payment.createPayment({ body: paymentInput(null) }), 401, 'UNAUTHENTICATED');
    const bad = { ...paymentInput(null), method: { type: 'virtual_account', bank: 'mandiri' } } as never;
    await expectProblem(orderService(server).payment.createPayment({ body: bad }), 400, 'VALIDATION_FAILED');
    await expectProblem(
      orderService(server).payment.createPayment({ body: paymentInput(null, { amount: { amount: 0, currency: 'IDR' } }) }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      orderService(server).payment.createPayment({ body: paymentInput(null, { amount: { amount: 1000, currency: 'USD' } }) }),
      422,
      'PAYMENT_METHOD_UNSUPPORTED',
    );
  });

  test('the same reference with another amount is refused', async () => {
    const input = paymentInput(null);
    await orderService(server).payment.createPayment({ body: input });
    await expectProblem(
      orderService(server).payment.createPayment({ body: { ...input, amount: { amount: 1, currency: 'IDR' } } }),
      409,
      'PAYMENT_REFERENCE_MISMATCH',
    );
  });
});

describe('who reads a payment', () => {
  test('its customer, admins and services; another customer gets 404, a guest 401', async () => {
    const owner = person(server);
    const payment = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId) });
    expect((await owner.client.payment.getPayment({ params: { paymentId: payment.id } })).id).toBe(payment.id);
    expect((await person(server, 'admin').client.payment.getPayment({ params: { paymentId: payment.id } })).id).toBe(payment.id);
    expect((await orderService(server).payment.getPayment({ params: { paymentId: payment.id } })).id).toBe(payment.id);
    await expectProblem(person(server).client.payment.getPayment({ params: { paymentId: payment.id } }), 404, 'PAYMENT_NOT_FOUND');
    await expectProblem(server.client().payment.getPayment({ params: { paymentId: payment.id } }), 401, 'UNAUTHENTICATED');
  });
});

describe('the sandbox customer', () => {
  test('pays: the sandbox webhook makes the payment paid, with its history and event', async () => {
    const owner = person(server);
    const created = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId) });
    const paid = await owner.client.payment.simulatePayment({ params: { paymentId: created.id }, body: { outcome: 'paid' } });
    expect(paid.status).toBe('paid');
    expect(paid.paidAt).not.toBeNull();
    expect(paid.history.map((entry) => [entry.status, entry.source])).toEqual([
      ['pending', 'api'],
      ['paid', 'webhook'],
    ]);
    const events = await outboxEvents(server, ['payment.paid'], { subject: created.id });
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      paymentId: created.id,
      reference: created.reference,
      amount: { amount: 150_000, currency: 'IDR' },
      customerId: owner.userId,
    });
    await expectProblem(owner.client.payment.simulatePayment({ params: { paymentId: created.id }, body: { outcome: 'failed' } }), 409, 'PAYMENT_NOT_PENDING');
  });

  test('fails or lets it expire; an admin may act too, another customer may not', async () => {
    const owner = person(server);
    const failing = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId) });
    await expectProblem(
      person(server).client.payment.simulatePayment({ params: { paymentId: failing.id }, body: { outcome: 'paid' } }),
      404,
      'PAYMENT_NOT_FOUND',
    );
    await expectProblem(orderService(server).payment.simulatePayment({ params: { paymentId: failing.id }, body: { outcome: 'paid' } }), 401, 'UNAUTHENTICATED');
    expect((await owner.client.payment.simulatePayment({ params: { paymentId: failing.id }, body: { outcome: 'failed' } })).status).toBe('failed');
    const expiring = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId) });
    const admin = person(server, 'admin');
    expect((await admin.client.payment.simulatePayment({ params: { paymentId: expiring.id }, body: { outcome: 'expired' } })).status).toBe('expired');
    expect(await outboxEvents(server, ['payment.failed'], { subject: failing.id })).toHaveLength(1);
    expect(await outboxEvents(server, ['payment.expired'], { subject: expiring.id })).toHaveLength(1);
  });
});

describe('round trips', () => {
  test('creating a payment takes two statements on its tables, paying it two', async () => {
    const owner = person(server);
    const created = await paymentStatements(server, () => orderService(server).payment.createPayment({ body: paymentInput(owner.userId) }));
    // The payment with its first history entry; the sandbox's charge made with its answer stored.
    expect(created.statements).toHaveLength(2);
    expect(created.result.history).toHaveLength(1);
    const paid = await paymentStatements(server, () =>
      owner.client.payment.simulatePayment({ params: { paymentId: created.result.id }, body: { outcome: 'paid' } }),
    );
    // The sandbox transaction moved (checking whose payment it is); the payment paid with its history
    // entry, answering it with its history and refunds: nothing is read back.
    expect(paid.statements).toHaveLength(2);
    expect(paid.result).toMatchObject({ status: 'paid', history: [{ status: 'pending' }, { status: 'paid', source: 'webhook' }] });
    // The answer is the payment exactly as any later read shows it.
    expect(paid.result).toEqual(await owner.client.payment.getPayment({ params: { paymentId: created.result.id } }));
  });
});

describe('what the sandbox customer cannot pay', () => {
  test("an unknown payment, another's or a guest's is not found; a paid one is not pending", async () => {
    const owner = person(server);
    await expectProblem(owner.client.payment.simulatePayment({ params: { paymentId: newId('pay') }, body: { outcome: 'paid' } }), 404, 'PAYMENT_NOT_FOUND');
    const guests = await orderService(server).payment.createPayment({ body: paymentInput(null) });
    await expectProblem(owner.client.payment.simulatePayment({ params: { paymentId: guests.id }, body: { outcome: 'paid' } }), 404, 'PAYMENT_NOT_FOUND');
    const admin = person(server, 'admin');
    expect((await admin.client.payment.simulatePayment({ params: { paymentId: guests.id }, body: { outcome: 'paid' } })).status).toBe('paid');
    await expectProblem(admin.client.payment.simulatePayment({ params: { paymentId: guests.id }, body: { outcome: 'paid' } }), 409, 'PAYMENT_NOT_PENDING');
    const others = await orderService(server).payment.createPayment({ body: paymentInput(person(server).userId) });
    await expectProblem(owner.client.payment.simulatePayment({ params: { paymentId: others.id }, body: { outcome: 'failed' } }), 404, 'PAYMENT_NOT_FOUND');
    expect((await orderService(server).payment.getPayment({ params: { paymentId: others.id } })).status).toBe('pending');
  });
});

describe('cancelling', () => {
  test('a pending payment is cancelled once; a paid one cannot be', async () => {
    const owner = person(server);
    const order = orderService(server);
    const pending = await order.payment.createPayment({ body: paymentInput(owner.userId) });
    const cancelled = await order.payment.cancelPayment({ params: { paymentId: pending.id }, body: { reason: 'checkout abandoned' } });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'cancelled', note: 'cancelled: checkout abandoned' });
    expect((await order.payment.cancelPayment({ params: { paymentId: pending.id }, body: {} })).status).toBe('cancelled');
    expect(await outboxEvents(server, ['payment.cancelled'], { subject: pending.id })).toHaveLength(1);
    // The sandbox gateway cancelled its side too: the customer can no longer pay.
    await expectProblem(owner.client.payment.simulatePayment({ params: { paymentId: pending.id }, body: { outcome: 'paid' } }), 409, 'PAYMENT_NOT_PENDING');

    const paid = await order.payment.createPayment({ body: paymentInput(owner.userId) });
    await owner.client.payment.simulatePayment({ params: { paymentId: paid.id }, body: { outcome: 'paid' } });
    await expectProblem(order.payment.cancelPayment({ params: { paymentId: paid.id }, body: {} }), 409, 'PAYMENT_NOT_CANCELLABLE');
    await expectProblem(owner.client.payment.cancelPayment({ params: { paymentId: paid.id }, body: {} }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
  });
});
