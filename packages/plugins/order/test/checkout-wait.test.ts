import { expectProblem, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HELD_READS_PER_CUSTOMER } from '../src/checkout-waits.js';
import { checkoutBody, productOf, shopper, startCheckoutServer } from './checkout-support.js';
import { customerClient } from './support.js';

// The settling job runs once at start-up and then not for an hour: a waiting read that answers
// settled was answered by the settling the payment's outcome started.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer({ order: { settleIntervalMs: 3_600_000 } });
});
afterAll(async () => {
  await server?.close();
});

async function awaitingCheckout(target: TestServer) {
  const product = await productOf(target, { price: 45_000, stock: 5 });
  const buyer = await shopper(target, [{ variantId: product.variantId, quantity: 1 }]);
  const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
  expect(checkout.status).toBe('awaiting_payment');
  return { buyer, checkout, paymentId: checkout.payment?.id as string };
}

describe('reading a checkout with waitSeconds', () => {
  test('a read started before the payment answers once the orders are paid, in one request', async () => {
    const { buyer, checkout, paymentId } = await awaitingCheckout(server);
    const started = Date.now();
    const waiting = buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 15 } });
    // The read is held: it has not answered a moment later.
    const early = await Promise.race([waiting.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('held'), 300))]);
    expect(early).toBe('held');
    await buyer.client.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'paid' } });
    const answered = await waiting;
    expect(answered.status).toBe('paid');
    expect(answered.orders.map((order) => order.status)).toEqual(['paid']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a read waiting for a checkout of two stores answers it paid as a read right after does: orders, lines and histories', async () => {
    const first = await productOf(server, { price: 45_000, stock: 5 });
    const second = await productOf(server, { price: 12_500, stock: 5 });
    const buyer = await shopper(server, [
      { variantId: first.variantId, quantity: 2 },
      { variantId: second.variantId, quantity: 1 },
    ]);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    const waiting = buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 15 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'paid' } });
    const answered = await waiting;
    expect(answered.orders.map((order) => [order.status, order.history.map((entry) => entry.status)])).toEqual([
      ['paid', ['pending_payment', 'paid']],
      ['paid', ['pending_payment', 'paid']],
    ]);
    expect(answered).toEqual(await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } }));
  });

  test('a failed payment answers the waiting read with the orders cancelled', async () => {
    const { buyer, checkout, paymentId } = await awaitingCheckout(server);
    const waiting = buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 15 } });
    await buyer.client.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'failed' } });
    const answered = await waiting;
    expect(answered.status).toBe('failed');
    expect(answered.orders.map((order) => order.status)).toEqual(['cancelled']);
  });

  test('an unpaid checkout is answered as it stands once the wait is over', async () => {
    const { buyer, checkout } = await awaitingCheckout(server);
    const started = Date.now();
    const answered = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 1 } });
    expect(answered.status).toBe('awaiting_payment');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('a finished checkout, and another customer’s, are answered at once', async () => {
    const { buyer, checkout, paymentId } = await awaitingCheckout(server);
    await buyer.client.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'paid' } });
    await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 15 } });
    const started = Date.now();
    const again = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 15 } });
    expect(again.status).toBe('paid');
    await expectProblem(
      customerClient(server).client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 15 } }),
      404,
      'ORDER_CHECKOUT_NOT_FOUND',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a customer holds at most ten reads at once; the eleventh is answered as the checkout stands', async () => {
    const { buyer, checkout } = await awaitingCheckout(server);
    const started = Date.now();
    const timed = () =>
      buyer.client.order
        .getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 2 } })
        .then((answer) => ({ status: answer.status, ms: Date.now() - started }));
    const held = Array.from({ length: HELD_READS_PER_CUSTOMER }, timed);
    // The held ones have started waiting before the one over the cap is sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const over = await timed();
    expect(over.status).toBe('awaiting_payment');
    expect(over.ms).toBeLessThan(1_500);
    for (const answer of await Promise.all(held)) {
      expect(answer.status).toBe('awaiting_payment');
      expect(answer.ms).toBeGreaterThanOrEqual(1_900);
    }
    // Once they are answered the customer may hold reads again.
    const again = Date.now();
    await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 1 } });
    expect(Date.now() - again).toBeGreaterThanOrEqual(900);
  });

  test('many customers holding reads at once raise no listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const held = await Promise.all(Array.from({ length: 12 }, () => awaitingCheckout(server)));
      const answers = await Promise.all(
        held.map(({ buyer, checkout }) => buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 1 } })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill('awaiting_payment'));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('a wait out of range is refused', async () => {
    const { buyer, checkout } = await awaitingCheckout(server);
    for (const waitSeconds of [21, -1]) {
      await expectProblem(buyer.client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds } }), 400, 'VALIDATION_FAILED');
    }
  });

  test('a server that closes answers its waiting reads at once', { timeout: 30_000 }, async () => {
    const closing = await startCheckoutServer({ order: { settleIntervalMs: 3_600_000 } });
    const url = await closing.listen();
    const { buyer, checkout } = await awaitingCheckout(closing);
    const token = closing.tokens.signAccessToken({ userId: buyer.userId, role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
    const waiting = fetch(`${url}/order/checkouts/${checkout.id}?waitSeconds=20`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await closing.close();
    const response = await waiting;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('awaiting_payment');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
