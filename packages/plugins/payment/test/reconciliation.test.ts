import { expectProblem, manualClock, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderService, paymentInput, person, startPaymentServer } from './support.js';

// The reconciliation job with the sandbox gateway, moved by a manual clock: unpaid payments expire
// once past `expiresAt`, and a payment the gateway settled without the webhook arriving is caught up.

const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startPaymentServer({ clock, payment: { reconcileIntervalSeconds: 60, reconcileAfterSeconds: 600 } });
});
afterAll(async () => {
  await server?.close();
});

const read = (paymentId: string) => orderService(server).payment.getPayment({ params: { paymentId } });

describe('payment.reconcile-pending', () => {
  test('a sandbox payment past its expiry expires, once, with its event', async () => {
    const payment = await orderService(server).payment.createPayment({ body: paymentInput(person(server).userId, { expiresInSeconds: 120 }) });
    const later = await orderService(server).payment.createPayment({ body: paymentInput(null, { expiresInSeconds: 3600 }) });
    clock.advance(3 * 60_000);
    await server.jobs.tick();
    const expired = await read(payment.id);
    expect(expired.status).toBe('expired');
    expect(expired.history.at(-1)).toMatchObject({ status: 'expired', source: 'reconciliation' });
    expect((await read(later.id)).status).toBe('pending');
    clock.advance(2 * 60_000);
    await server.jobs.tick();
    expect(await outboxEvents(server, ['payment.expired'], { subject: payment.id })).toHaveLength(1);
  });

  test('a customer paying past the expiry is refused, and the gateway expires the charge', async () => {
    const owner = person(server);
    const payment = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId, { expiresInSeconds: 120 }) });
    clock.advance(3 * 60_000);
    const refused = await expectProblem(
      owner.client.payment.simulatePayment({ params: { paymentId: payment.id }, body: { outcome: 'paid' } }),
      409,
      'PAYMENT_NOT_PENDING',
    );
    expect(refused.detail).toBe('The sandbox transaction is expired');
    expect((await read(payment.id)).status).toBe('pending');
    await server.jobs.tick();
    expect((await read(payment.id)).history.at(-1)).toMatchObject({ status: 'expired', source: 'reconciliation' });
  });

  test('a payment the gateway settled while its webhook got lost is paid by the job', async () => {
    const owner = person(server);
    const payment = await orderService(server).payment.createPayment({ body: paymentInput(owner.userId) });
    // The customer paid at the sandbox gateway, and its notification never reached the store.
    await sql`update payment.sandbox_transactions set status = 'paid' where order_id = ${payment.id}`.execute(server.database.db);
    clock.advance(5 * 60_000);
    await server.jobs.tick();
    expect((await read(payment.id)).status).toBe('pending');
    clock.advance(6 * 60_000);
    await server.jobs.tick();
    const paid = await read(payment.id);
    expect(paid.status).toBe('paid');
    expect(paid.history.at(-1)).toMatchObject({ status: 'paid', source: 'reconciliation' });
    expect(await outboxEvents(server, ['payment.paid'], { subject: payment.id })).toHaveLength(1);
  });
});
