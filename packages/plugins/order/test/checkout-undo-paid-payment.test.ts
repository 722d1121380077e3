import { manualClock, outboxEvents, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { voidCheckoutPayment } from '../src/payment-undo.js';
import { checkoutBody, checkoutsOf, productOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';

// A checkout whose payment was charged and paid at the gateway, but whose create answered the
// checkout a failure (the gateway's answer was lost): the checkout never learned the payment's id,
// and is undone. Before, the undo's void was refused (`PAYMENT_NOT_CANCELLABLE`) and, without the
// id, the undo could only retry and log for ever while the customer's money stayed taken. The void
// now refunds the payment in full; here the refund's first try fails at the gateway, so the undo
// runs again (the runner's retry, driven by hand under a manual clock), and then the undo is run
// four more times, three at once: the money goes back once.

const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer({ clock, processRecoveryIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await server?.close();
});

const rename = (from: string, to: string) => sql`alter table ${sql.table(`payment.${from}`)} rename to ${sql.id(to)}`.execute(server.database.db);

async function paymentOf(reference: string) {
  const { rows } = await sql<{ id: string; status: string; amount: string | number }>`
    select id, status, amount from payment.payments where reference = ${reference}`.execute(server.database.db);
  return rows[0];
}

async function gatewayRefundsOf(paymentId: string) {
  const { rows } = await sql<{ amount: string | number }>`select amount from payment.sandbox_refunds where order_id = ${paymentId}`.execute(server.database.db);
  return rows.map((row) => Number(row.amount));
}

async function compensationOf(customerId: string, idempotencyKey: string) {
  const { rows } = await sql<{ status: string; steps: unknown }>`
    select status, steps from tokobapak.processes where plugin = 'order' and key = ${`checkout:${customerId}:${idempotencyKey}`}`.execute(server.database.db);
  const row = rows[0];
  if (!row) throw new Error('no checkout process');
  const steps = (typeof row.steps === 'string' ? JSON.parse(row.steps) : row.steps) as Array<{ id: string; compensation?: { status: string } }>;
  return { status: row.status, compensation: steps.find((step) => step.id === 'create-payment')?.compensation?.status };
}

describe('undoing a checkout whose payment was paid at the gateway', () => {
  test('the payment is refunded in full exactly once, though the undo runs again and again, also at once', async () => {
    const product = await productOf(server, { price: 50_000, stock: 5 });
    const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 2 }]);
    const accessToken = server.tokens.signAccessToken({ userId: buyer.userId, role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
    const idempotencyKey = 'paid-but-undone';

    // The gateway's books are out of reach while the checkout charges: the create fails (a 5xx), and so does the undo's first void.
    await rename('sandbox_transactions', 'sandbox_transactions_away');
    try {
      const answer = await server.app.inject({
        method: 'POST',
        url: '/order/checkouts',
        headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': idempotencyKey },
        payload: checkoutBody(buyer.cartId),
      });
      expect(answer.statusCode).toBe(503);
    } finally {
      await rename('sandbox_transactions_away', 'sandbox_transactions');
    }
    const [checkout] = await checkoutsOf(server, buyer.userId);
    if (!checkout) throw new Error('no checkout');
    const payment = await paymentOf(checkout.id);
    if (!payment) throw new Error('no payment');
    expect(payment.status).toBe('pending');
    expect(await compensationOf(buyer.userId, idempotencyKey)).toEqual({ status: 'compensating', compensation: 'failed' });

    // What the store never heard: the charge reached the gateway, and the customer paid it.
    await sql`
      insert into payment.sandbox_transactions (order_id, transaction_id, method, amount, currency, status, refunded_amount, expires_at)
      values (${payment.id}, 'sbx_paid_unheard', ${JSON.stringify({ type: 'qris' })}::jsonb, ${Number(payment.amount)}, 'IDR', 'paid', 0, ${new Date(clock.now().getTime() + 86_400_000)})`.execute(
      server.database.db,
    );

    // The retry finds the payment paid; its refund gets no answer from the gateway, so the undo fails again.
    await rename('sandbox_refunds', 'sandbox_refunds_away');
    try {
      clock.advance(1_500);
      expect(await server.processes.recover()).toBe(1);
    } finally {
      await rename('sandbox_refunds_away', 'sandbox_refunds');
    }
    expect(await compensationOf(buyer.userId, idempotencyKey)).toEqual({ status: 'compensating', compensation: 'failed' });
    expect((await paymentOf(checkout.id))?.status).toBe('paid');
    expect(await gatewayRefundsOf(payment.id)).toEqual([]);

    // The next retry refunds it, and the checkout is undone.
    clock.advance(5_000);
    expect(await server.processes.recover()).toBe(1);
    expect(await compensationOf(buyer.userId, idempotencyKey)).toEqual({ status: 'compensated', compensation: 'done' });
    expect((await paymentOf(checkout.id))?.status).toBe('refunded');
    expect(await gatewayRefundsOf(payment.id)).toEqual([Number(payment.amount)]);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 0 });
    expect((await checkoutsOf(server, buyer.userId)).map((row) => row.status)).toEqual(['failed']);

    // The undo run again, three at once and once more after: nothing more goes back.
    const undo = () => voidCheckoutPayment({ clients: serviceClient(server, 'order') } as never, checkout.id);
    await Promise.all([undo(), undo(), undo()]);
    await undo();
    expect(await gatewayRefundsOf(payment.id)).toEqual([Number(payment.amount)]);
    expect(await outboxEvents(server, ['payment.refunded'], { subject: payment.id })).toHaveLength(1);
    const read = await serviceClient(server, 'order').payment.getPayment({ params: { paymentId: payment.id } });
    expect(read).toMatchObject({ status: 'refunded', refundedAmount: { amount: Number(payment.amount), currency: 'IDR' } });
    expect(read.refunds.map((refund) => refund.status)).toEqual(['succeeded']);
  });
});
