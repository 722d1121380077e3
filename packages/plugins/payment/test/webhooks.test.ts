import { newId } from '@tokobapak/server';
import { expectProblemResponse, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderService, paymentInput, person, type SandboxBody, signSandbox, startPaymentServer } from './support.js';

// Gateway notifications through `POST /payment/webhooks/{provider}`, as a gateway (or an attacker)
// sends them: only genuine ones count, and only when they move the payment forward.

let server: TestServer;
beforeAll(async () => {
  server = await startPaymentServer();
});
afterAll(async () => {
  await server?.close();
});

function notification(paymentId: string, status: string, amount = 150_000): SandboxBody {
  return { event_id: newId('evt'), order_id: paymentId, transaction_id: newId('sbx'), transaction_status: status, gross_amount: amount, currency: 'IDR' };
}

async function deliver(body: SandboxBody, headers: Record<string, string>, provider = 'sandbox') {
  return server.app.inject({ method: 'POST', url: `/payment/webhooks/${provider}`, headers, payload: body });
}

async function pendingPayment() {
  return orderService(server).payment.createPayment({ body: paymentInput(person(server).userId) });
}

async function statusOf(paymentId: string) {
  return orderService(server).payment.getPayment({ params: { paymentId } });
}

describe('signatures', () => {
  test('a forged, tampered, unsigned or stale notification is refused and changes nothing', async () => {
    const payment = await pendingPayment();
    const body = notification(payment.id, 'paid');
    expectProblemResponse(await deliver(body, signSandbox(body, new Date(), 'not-the-secret')), 401, 'PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    expectProblemResponse(await deliver(body, {}), 401, 'PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    expectProblemResponse(await deliver(body, { 'X-Sandbox-Signature': 't=1,v1=zz' }), 401, 'PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    // Signed for a smaller amount, then the amount changed on the way.
    const signedSmall = signSandbox({ ...body, gross_amount: 1 });
    expectProblemResponse(await deliver(body, signedSmall), 401, 'PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    expectProblemResponse(await deliver(body, signSandbox(body, new Date(Date.now() - 10 * 60_000))), 401, 'PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    const after = await statusOf(payment.id);
    expect(after.status).toBe('pending');
    expect(after.history).toHaveLength(1);
    expect(await outboxEvents(server, ['payment.paid'], { subject: payment.id })).toEqual([]);
  });

  test('a gateway the store has not configured, or does not know, is refused', async () => {
    const payment = await pendingPayment();
    const body = notification(payment.id, 'paid');
    expectProblemResponse(await deliver(body, signSandbox(body), 'midtrans'), 404, 'PAYMENT_PROVIDER_NOT_FOUND');
    expectProblemResponse(await deliver(body, signSandbox(body), 'paypal'), 400, 'VALIDATION_FAILED');
    const malformed = { ...body, gross_amount: 'lots' } as unknown as SandboxBody;
    expectProblemResponse(await deliver(malformed, signSandbox(body)), 400, 'PAYMENT_WEBHOOK_INVALID');
  });
});

describe('replays and out-of-order notifications', () => {
  test('paid applies once; a replay, a late pending or expired, changes nothing', async () => {
    const payment = await pendingPayment();
    const paid = notification(payment.id, 'paid');
    const first = await deliver(paid, signSandbox(paid));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, applied: true, paymentId: payment.id, status: 'paid' });
    const replay = await deliver(paid, signSandbox(paid));
    expect(replay.json()).toEqual({ received: true, applied: false, paymentId: payment.id, status: 'paid' });
    for (const late of ['pending', 'expired', 'failed', 'cancelled']) {
      const body = notification(payment.id, late);
      const answer = await deliver(body, signSandbox(body));
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ applied: false, status: 'paid' });
    }
    const after = await statusOf(payment.id);
    expect(after.status).toBe('paid');
    expect(after.history.map((entry) => entry.status)).toEqual(['pending', 'paid']);
    expect(await outboxEvents(server, ['payment.paid', 'payment.expired', 'payment.failed', 'payment.cancelled'], { subject: payment.id })).toHaveLength(1);
  });

  test('an expired payment is not revived by a late paid', async () => {
    const payment = await pendingPayment();
    const expired = notification(payment.id, 'expired');
    expect((await deliver(expired, signSandbox(expired))).json()).toMatchObject({ applied: true, status: 'expired' });
    const paid = notification(payment.id, 'paid');
    expect((await deliver(paid, signSandbox(paid))).json()).toMatchObject({ applied: false, status: 'expired' });
    expect((await statusOf(payment.id)).status).toBe('expired');
  });

  test('twenty concurrent copies of one notification apply once', async () => {
    const payment = await pendingPayment();
    const paid = notification(payment.id, 'paid');
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(paid, signSandbox(paid))));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(20).fill(200));
    expect(answers.filter((answer) => answer.json().applied)).toHaveLength(1);
    expect(await outboxEvents(server, ['payment.paid'], { subject: payment.id })).toHaveLength(1);
    expect((await statusOf(payment.id)).history).toHaveLength(2);
  });

  test('paid, expired, failed and cancelled at once: one applies, with one history entry and one event', async () => {
    const payment = await pendingPayment();
    const bodies = ['paid', 'expired', 'failed', 'cancelled'].flatMap((status) => Array.from({ length: 5 }, () => notification(payment.id, status)));
    const answers = await Promise.all(bodies.map((body) => deliver(body, signSandbox(body))));
    const applied = answers.map((answer) => answer.json()).filter((body) => body.applied);
    expect(applied).toHaveLength(1);
    const after = await statusOf(payment.id);
    expect(after.status).toBe(applied[0].status);
    expect(after.history.map((entry) => entry.status)).toEqual(['pending', applied[0].status]);
    expect(await outboxEvents(server, ['payment.paid', 'payment.expired', 'payment.failed', 'payment.cancelled'], { subject: payment.id })).toHaveLength(1);
    // Every other answer names the status that won.
    expect(new Set(answers.map((answer) => answer.json().status))).toEqual(new Set([applied[0].status]));
  });

  test('a paid for another amount, or for an unknown payment, is acknowledged and not applied', async () => {
    const payment = await pendingPayment();
    const short = notification(payment.id, 'paid', 1_000);
    expect((await deliver(short, signSandbox(short))).json()).toMatchObject({ applied: false, status: 'pending' });
    expect((await statusOf(payment.id)).status).toBe('pending');
    const stranger = notification(newId('pay'), 'paid');
    expect((await deliver(stranger, signSandbox(stranger))).json()).toEqual({ received: true, applied: false, paymentId: null, status: null });
  });
});
