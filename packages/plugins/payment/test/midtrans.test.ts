import { randomUUID } from 'node:crypto';
import { expectProblem, manualClock, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MidtransFixture } from './midtrans-fixture.js';
import { orderService, paymentInput, person, startMidtransStore, startPaymentServer } from './support.js';

// The Midtrans adapter against a local server on 127.0.0.1 that speaks Midtrans's Core API (charge,
// status, cancel, refund) and posts Midtrans's signed notifications to the store, which listens on a
// real port: the whole way a real Midtrans account would go.

const SERVER_KEY = 'SB-Mid-server-test-key';
const clock = manualClock();
let server: TestServer;
let midtrans: MidtransFixture;
let storeUrl = '';

beforeAll(async () => {
  ({ server, midtrans } = await startMidtransStore(SERVER_KEY, {
    clock,
    notificationUrl: () => `${storeUrl}/payment/webhooks/midtrans`,
    payment: { reconcileIntervalSeconds: 60, reconcileAfterSeconds: 600 },
  }));
  storeUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

const create = (input = paymentInput(person(server).userId)) => orderService(server).payment.createPayment({ body: input });

describe('charges', () => {
  test('virtual accounts, GoPay and QRIS come back with what Midtrans answered', async () => {
    const bca = await create(paymentInput(null, { method: { type: 'virtual_account', bank: 'bca' } }));
    expect(bca).toMatchObject({ provider: 'midtrans', status: 'pending' });
    expect(bca.instructions?.vaNumber).toBe(midtrans.transactions.get(bca.id)?.va_numbers?.[0]?.va_number);
    const permata = await create(paymentInput(null, { method: { type: 'virtual_account', bank: 'permata' } }));
    expect(permata.instructions?.vaNumber).toBe(midtrans.transactions.get(permata.id)?.permata_va_number);
    const gopay = await create(paymentInput(null, { method: { type: 'ewallet', provider: 'gopay' } }));
    expect(gopay.instructions?.deeplinkUrl).toMatch(/^gopay:\/\/pay\?tref=/);
    const qris = await create(paymentInput(null, { method: { type: 'qris' } }));
    expect(qris.instructions?.qrString).toMatch(/^000201/);
    const request = midtrans.chargeRequests.find((body) => (body.transaction_details as { order_id: string }).order_id === bca.id);
    expect(request).toMatchObject({ payment_type: 'bank_transfer', bank_transfer: { bank: 'bca' }, transaction_details: { gross_amount: 150_000 } });
    expect(request?.custom_expiry).toEqual({ expiry_duration: 1440, unit: 'minute' });
  });

  test('methods Midtrans Core API does not take here are refused before any call', async () => {
    const before = midtrans.chargeRequests.length;
    await expectProblem(create(paymentInput(null, { method: { type: 'card' } })), 422, 'PAYMENT_METHOD_UNSUPPORTED');
    await expectProblem(create(paymentInput(null, { method: { type: 'ewallet', provider: 'ovo' } })), 422, 'PAYMENT_METHOD_UNSUPPORTED');
    expect(midtrans.chargeRequests.length).toBe(before);
  });

  test('a charge whose answer was lost is found again on retry, not charged twice', async () => {
    const input = paymentInput(null);
    midtrans.nextCharge = 'lost';
    await expectProblem(create(input), 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
    const retried = await create(input);
    expect(retried.status).toBe('pending');
    expect(retried.instructions?.vaNumber).toBe(midtrans.transactions.get(retried.id)?.va_numbers?.[0]?.va_number);
    expect(midtrans.chargeRequests.filter((body) => (body.transaction_details as { order_id: string }).order_id === retried.id)).toHaveLength(2);
    expect([...midtrans.transactions.keys()].filter((id) => id === retried.id)).toHaveLength(1);
  });
});

describe('beside the sandbox', () => {
  test('a Midtrans payment is not paid through the sandbox', async () => {
    const both = await startPaymentServer({
      payment: { provider: 'midtrans', sandbox: { enabled: true }, midtrans: { serverKey: SERVER_KEY, baseUrl: midtrans.url } },
    });
    try {
      const owner = person(both);
      const payment = await orderService(both).payment.createPayment({ body: paymentInput(owner.userId) });
      expect(payment.provider).toBe('midtrans');
      await expectProblem(owner.client.payment.simulatePayment({ params: { paymentId: payment.id }, body: { outcome: 'paid' } }), 409, 'PAYMENT_NOT_SANDBOX');
      await expectProblem(
        person(both).client.payment.simulatePayment({ params: { paymentId: payment.id }, body: { outcome: 'paid' } }),
        404,
        'PAYMENT_NOT_FOUND',
      );
      expect((await orderService(both).payment.getPayment({ params: { paymentId: payment.id } })).status).toBe('pending');
    } finally {
      await both.close();
    }
  });
});

describe('notifications', () => {
  test('settlement makes the payment paid; a forged one, a replay and a late pending change nothing', async () => {
    const payment = await create();
    const forged = await midtrans.notify(payment.id, 'settlement', { serverKey: 'not-the-key', change: false });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'PAYMENT_WEBHOOK_SIGNATURE_INVALID' });
    expect((await orderService(server).payment.getPayment({ params: { paymentId: payment.id } })).status).toBe('pending');

    expect(await midtrans.notify(payment.id, 'settlement')).toEqual({
      status: 200,
      body: { received: true, applied: true, paymentId: payment.id, status: 'paid' },
    });
    expect((await midtrans.notify(payment.id, 'settlement')).body).toMatchObject({ applied: false, status: 'paid' });
    expect((await midtrans.notify(payment.id, 'pending', { change: false })).body).toMatchObject({ applied: false, status: 'paid' });
    expect((await midtrans.notify(payment.id, 'expire', { change: false })).body).toMatchObject({ applied: false, status: 'paid' });
    const after = await orderService(server).payment.getPayment({ params: { paymentId: payment.id } });
    expect(after.history.map((entry) => [entry.status, entry.source, entry.note])).toEqual([
      ['pending', 'api', 'midtrans: BCA virtual account'],
      ['paid', 'webhook', 'midtrans: settlement (accept)'],
    ]);
    expect(await outboxEvents(server, ['payment.paid'], { subject: payment.id })).toHaveLength(1);
  });

  test('deny fails a payment, cancel and expire settle it as such', async () => {
    const denied = await create();
    expect((await midtrans.notify(denied.id, 'deny')).body).toMatchObject({ applied: true, status: 'failed' });
    const expired = await create();
    expect((await midtrans.notify(expired.id, 'expire')).body).toMatchObject({ applied: true, status: 'expired' });
  });
});

describe('cancel and refund at Midtrans', () => {
  test('a pending payment is cancelled there too', async () => {
    const payment = await create();
    const cancelled = await orderService(server).payment.cancelPayment({ params: { paymentId: payment.id }, body: { reason: 'changed my mind' } });
    expect(cancelled.status).toBe('cancelled');
    expect(midtrans.transactions.get(payment.id)?.transaction_status).toBe('cancel');
  });

  test('partial and full refunds carry the refund key, once each, never above the amount', async () => {
    const payment = await create(paymentInput(null, { method: { type: 'ewallet', provider: 'gopay' } }));
    await midtrans.notify(payment.id, 'settlement');
    const key = randomUUID();
    const refund = { amount: { amount: 50_000, currency: 'IDR' }, reason: 'size out of stock' };
    const first = await orderService(server).payment.refundPayment({ params: { paymentId: payment.id }, body: refund, idempotencyKey: key });
    await orderService(server).payment.refundPayment({ params: { paymentId: payment.id }, body: refund, idempotencyKey: key });
    expect(first.status).toBe('partially_refunded');
    const refundId = first.refunds[0]?.id ?? '';
    expect(midtrans.refunds.get(refundId)).toEqual({ orderId: payment.id, amount: 50_000 });
    expect([...midtrans.refunds.values()].filter((item) => item.orderId === payment.id)).toHaveLength(1);
    await expectProblem(
      orderService(server).payment.refundPayment({
        params: { paymentId: payment.id },
        body: { amount: { amount: 100_001, currency: 'IDR' } },
        idempotencyKey: randomUUID(),
      }),
      409,
      'PAYMENT_REFUND_EXCEEDS_PAID',
    );
    const rest = await orderService(server).payment.refundPayment({
      params: { paymentId: payment.id },
      body: { amount: { amount: 100_000, currency: 'IDR' } },
      idempotencyKey: randomUUID(),
    });
    expect(rest).toMatchObject({ status: 'refunded', refundedAmount: { amount: 150_000 } });
    expect(midtrans.transactions.get(payment.id)?.transaction_status).toBe('refund');
    // Midtrans's own refund notice is acknowledged; the refunds were recorded when the store made them.
    expect((await midtrans.notify(payment.id, 'refund', { change: false })).body).toMatchObject({ applied: false, status: 'refunded' });
  });
});

describe('reconciliation', () => {
  test('a lost notification, and a charge Midtrans never received, are settled by the job', async () => {
    const lost = await create();
    midtrans.setStatus(lost.id, 'settlement');
    const neverArrived = paymentInput(null);
    midtrans.nextCharge = 'down';
    await expectProblem(create(neverArrived), 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
    const young = await create();
    midtrans.setStatus(young.id, 'settlement');

    clock.advance(11 * 60_000);
    const fresh = await create();
    midtrans.setStatus(fresh.id, 'settlement');
    await server.jobs.tick();

    const read = (paymentId: string) => orderService(server).payment.getPayment({ params: { paymentId } });
    expect((await read(lost.id)).history.at(-1)).toMatchObject({ status: 'paid', source: 'reconciliation' });
    const stranded = (await outboxEvents(server, ['payment.failed'])).find((event) => event.data.reference === neverArrived.reference);
    expect(stranded).toBeDefined();
    expect((await read(String(stranded?.data.paymentId))).history.at(-1)).toMatchObject({ status: 'failed', source: 'reconciliation' });
    // Pending for less than reconcileAfterSeconds: not asked yet.
    expect((await read(fresh.id)).status).toBe('pending');
    expect((await read(young.id)).status).toBe('paid');
  });
});
