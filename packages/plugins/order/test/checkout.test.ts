import { eventually, expectProblem, manualClock, outboxEvents, storeSession, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Checkout, checkoutBody, expectSoldOut, paymentsFor, productOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';
import { customerClient } from './support.js';

// Checkout end to end through the SDK: inventory, cart, the payment sandbox and order in one server.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer();
});
afterAll(async () => {
  await server?.close();
});

describe('a checkout', () => {
  test('makes one order per store and one payment; paying confirms the orders, commits the stock and completes the cart', async () => {
    const coffee = await productOf(server, { price: 45_000, stock: 5 });
    const tea = await productOf(server, { price: 20_000, stock: 5 });
    const buyer = await shopper(server, [
      { variantId: coffee.variantId, quantity: 2 },
      { variantId: tea.variantId, quantity: 1 },
    ]);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    // The answer (from the statement that placed the orders) is what reading the checkout gives.
    expect(await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).toEqual(checkout);
    expect(checkout.status).toBe('awaiting_payment');
    expect(checkout.orders.map((order) => [order.storeId, order.status, order.lines.map((line) => line.quantity)]).sort()).toEqual(
      [
        [coffee.storeId, 'pending_payment', [2]],
        [tea.storeId, 'pending_payment', [1]],
      ].sort(),
    );
    expect(checkout.payment).toMatchObject({ status: 'pending', amount: checkout.total });
    expect(checkout.total.amount).toBe(checkout.orders.reduce((sum, order) => sum + order.totals.total.amount, 0));
    expect(await stockOf(server, coffee.variantId)).toEqual({ onHand: 5, reserved: 2 });

    await buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'paid' } });
    const paid = await eventually(async () => {
      const current = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } });
      expect(current.status).toBe('paid');
      expect(current.orders.every((order) => order.status === 'paid')).toBe(true);
      return current;
    });
    await eventually(async () => expect(await stockOf(server, coffee.variantId)).toEqual({ onHand: 3, reserved: 0 }));
    await eventually(async () => expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('completed'));

    // The store sees its own order, with the history, and works it.
    const coffeeOrder = paid.orders.find((order) => order.storeId === coffee.storeId);
    const desk = storeSession(server, coffee.storeId);
    expect((await desk.order.listStoreOrders({})).items.map((order) => order.id)).toEqual([coffeeOrder?.id]);
    const accepted = await desk.order.acceptOrder({ params: { orderId: coffeeOrder?.id as string }, body: {} });
    expect(accepted.history.map((entry) => entry.status)).toEqual(['pending_payment', 'paid', 'accepted']);
    expect(await outboxEvents(server, ['order.placed', 'order.confirmed'], { subject: coffeeOrder?.id as string })).toHaveLength(2);
  });

  test('no oversell: stock 3, 20 concurrent checkouts → 3 placed and paid, 17 refused leaving nothing behind', { timeout: 120_000 }, async () => {
    const scarce = await productOf(server, { price: 99_000, stock: 3 });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => shopper(server, [{ variantId: scarce.variantId, quantity: 1 }])));
    const results = await Promise.allSettled(buyers.map((buyer) => buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) })));
    const placed = results.filter((result): result is PromiseFulfilledResult<Checkout> => result.status === 'fulfilled').map((result) => result.value);
    const refused = results
      .filter((result) => result.status === 'rejected')
      .map((result) => (result as PromiseRejectedResult).reason as { status: number; code: string });
    expect(placed).toHaveLength(3);
    expectSoldOut(refused, 17);
    expect(await stockOf(server, scarce.variantId)).toEqual({ onHand: 3, reserved: 3 });

    for (const checkout of placed) {
      const buyer = buyers.find((candidate) => candidate.userId === checkout.customerId);
      await buyer?.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'paid' } });
    }
    await eventually(async () => expect(await stockOf(server, scarce.variantId)).toEqual({ onHand: 0, reserved: 0 }), 30_000);
    const paidOrders = (await storeSession(server, scarce.storeId).order.listStoreOrders({})).items;
    await eventually(async () => {
      const orders = (await storeSession(server, scarce.storeId).order.listStoreOrders({})).items;
      expect(orders.map((order) => order.status)).toEqual(['paid', 'paid', 'paid']);
    });
    expect(paidOrders).toHaveLength(3);
    // Only the three placed checkouts ever made a payment; the refused ones made no checkout either.
    const allPayments = await paymentsFor(
      server,
      placed.map((checkout) => checkout.id),
    );
    expect(allPayments.map((payment) => payment.status)).toEqual(['paid', 'paid', 'paid']);
    for (const buyer of buyers.filter((candidate) => !placed.some((checkout) => checkout.customerId === candidate.userId))) {
      expect((await buyer.client.order.listMyOrders({})).items).toEqual([]);
      expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('open');
    }
  });

  test('the same checkout retried 10 times, concurrently and then again, makes one checkout and one payment', { timeout: 60_000 }, async () => {
    const item = await productOf(server, { price: 10_000, stock: 50 });
    const buyer = await shopper(server, [{ variantId: item.variantId, quantity: 2 }]);
    const key = `retry-${Date.now()}`;
    const send = () => buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId), idempotencyKey: key });
    const concurrent = await Promise.allSettled(Array.from({ length: 10 }, send));
    const answered = concurrent.filter((result): result is PromiseFulfilledResult<Checkout> => result.status === 'fulfilled').map((result) => result.value);
    for (const result of concurrent) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
    }
    expect(answered.length).toBeGreaterThan(0);
    const retried = await Promise.all(Array.from({ length: 10 }, send));
    const ids = new Set([...answered, ...retried].map((checkout) => checkout.id));
    expect(ids.size).toBe(1);
    const [checkoutId] = [...ids] as [string];
    expect(await paymentsFor(server, [checkoutId])).toHaveLength(1);
    expect((await buyer.client.order.listMyOrders({})).items).toHaveLength(1);
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 50, reserved: 2 });
  });

  test('a failed payment undoes everything: stock back, orders cancelled, the cart still open', async () => {
    const item = await productOf(server, { price: 15_000, stock: 4 });
    const buyer = await shopper(server, [{ variantId: item.variantId, quantity: 4 }]);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 4, reserved: 4 });
    await buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'failed' } });
    const failed = await eventually(async () => {
      const current = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } });
      expect(current.status).toBe('failed');
      expect(current.orders.map((order) => order.status)).toEqual(['cancelled']);
      return current;
    });
    expect(failed.failure?.message).toBe('the payment failed');
    await eventually(async () => expect(await stockOf(server, item.variantId)).toEqual({ onHand: 4, reserved: 0 }));
    expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('open');
  });

  test('the customer cancels an unpaid checkout: payment cancelled, stock back; only their own', async () => {
    const item = await productOf(server, { price: 15_000, stock: 2 });
    const buyer = await shopper(server, [{ variantId: item.variantId, quantity: 2 }]);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    const stranger = customerClient(server);
    await expectProblem(stranger.client.order.getCheckout({ params: { checkoutId: checkout.id } }), 404, 'ORDER_CHECKOUT_NOT_FOUND');
    await expectProblem(stranger.client.order.cancelCheckout({ params: { checkoutId: checkout.id }, body: {} }), 404, 'ORDER_CHECKOUT_NOT_FOUND');

    const cancelled = await buyer.client.order.cancelCheckout({ params: { checkoutId: checkout.id }, body: { note: 'Salah alamat' } });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.orders.map((order) => [order.status, order.history.at(-1)?.by])).toEqual([['cancelled', 'customer']]);
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 2, reserved: 0 });
    expect(await paymentsFor(server, [checkout.id])).toEqual([{ reference: checkout.id, status: 'cancelled' }]);
    // Cancelling again changes nothing; a paid checkout cannot be cancelled.
    expect((await buyer.client.order.cancelCheckout({ params: { checkoutId: checkout.id }, body: {} })).status).toBe('cancelled');
    const other = await shopper(server, [{ variantId: item.variantId, quantity: 1 }]);
    const paid = await other.client.order.createCheckout({ body: checkoutBody(other.cartId) });
    await other.client.payment.simulatePayment({ params: { paymentId: paid.payment?.id as string }, body: { outcome: 'paid' } });
    await eventually(async () => expect((await other.client.order.getCheckout({ params: { checkoutId: paid.id } })).status).toBe('paid'));
    await expectProblem(other.client.order.cancelCheckout({ params: { checkoutId: paid.id }, body: {} }), 409, 'ORDER_CHECKOUT_NOT_CANCELLABLE');
  });

  test('a payment outcome kept while its orders were placed decides the checkout on the next pass; one whose time ran out as well expires', async () => {
    const product = await productOf(server, { price: 10_000, stock: 5 });
    const [early, late] = await Promise.all([1, 2].map(() => shopper(server, [{ variantId: product.variantId, quantity: 1 }])));
    const [first, second] = await Promise.all([early, late].map((buyer) => buyer?.client.order.createCheckout({ body: checkoutBody(buyer.cartId) })));
    // What the payment's consumer keeps when the outcome comes while the checkout is still being placed.
    await sql`update "order".checkouts set payment_outcome = 'paid' where id = ${first?.id}`.execute(server.database.db);
    await sql`update "order".checkouts set payment_outcome = 'paid', expires_at = now() - interval '1 second' where id = ${second?.id}`.execute(
      server.database.db,
    );
    const paid = await eventually(async () => {
      const current = await early?.client.order.getCheckout({ params: { checkoutId: first?.id as string } });
      expect(current?.orders.map((order) => order.status)).toEqual(['paid']);
      return current;
    });
    expect([paid?.status, paid?.payment?.status, paid?.failure]).toEqual(['paid', 'paid', null]);
    const expired = await eventually(async () => {
      const current = await late?.client.order.getCheckout({ params: { checkoutId: second?.id as string } });
      expect(current?.orders.map((order) => order.status)).toEqual(['cancelled']);
      return current;
    });
    expect([expired?.status, expired?.failure]).toEqual(['expired', { code: null, message: 'the checkout was not paid in time' }]);
    await eventually(async () => expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 0 }));
  });

  test('refusals before anything is held: an empty cart, another customer’s cart', async () => {
    const emptyCart = await shopper(server, []);
    await expectProblem(emptyCart.client.order.createCheckout({ body: checkoutBody(emptyCart.cartId) }), 422, 'ORDER_CART_EMPTY');
    const item = await productOf(server, { price: 1_000, stock: 1 });
    const owner = await shopper(server, [{ variantId: item.variantId, quantity: 1 }]);
    await expectProblem(emptyCart.client.order.createCheckout({ body: checkoutBody(owner.cartId) }), 404, 'ORDER_CART_NOT_FOUND');
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 1, reserved: 0 });
  });
});

describe('an unpaid checkout', () => {
  test('expires: its stock comes back and its orders are cancelled', { timeout: 60_000 }, async () => {
    const clock = manualClock(new Date());
    const timed = await startCheckoutServer({ clock, order: { checkoutTtlSeconds: 60 } });
    try {
      const item = await productOf(timed, { price: 5_000, stock: 1 });
      const buyer = await shopper(timed, [{ variantId: item.variantId, quantity: 1 }]);
      const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
      expect(await stockOf(timed, item.variantId)).toEqual({ onHand: 1, reserved: 1 });
      clock.advance(61_000);
      await timed.jobs.tick();
      const expired = await eventually(async () => {
        await timed.jobs.tick();
        const current = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } });
        expect(current.orders.map((order) => order.status)).toEqual(['cancelled']);
        return current;
      });
      expect(expired.status).toBe('expired');
      expect(await stockOf(timed, item.variantId)).toEqual({ onHand: 1, reserved: 0 });
      expect((await paymentsFor(timed, [checkout.id]))[0]?.status).toMatch(/cancelled|expired/);
      // Someone else can buy it now.
      const next = await shopper(timed, [{ variantId: item.variantId, quantity: 1 }]);
      expect((await next.client.order.createCheckout({ body: checkoutBody(next.cartId) })).status).toBe('awaiting_payment');
    } finally {
      await timed.close();
    }
  });
});
