import { eventually, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutBody, productOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';

// The settling job runs once at start-up and then not for an hour: whatever is settled here was
// settled by the payment's outcome itself, as soon as it was recorded.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer({ order: { settleIntervalMs: 3_600_000 } });
});
afterAll(async () => {
  await server?.close();
});

describe('settling on the payment’s outcome, without waiting for the settling job', () => {
  test('six checkouts paid at once: every order paid, the stock committed, every cart completed', { timeout: 60_000 }, async () => {
    const coffee = await productOf(server, { price: 45_000, stock: 20 });
    const tea = await productOf(server, { price: 20_000, stock: 20 });
    const buyers = await Promise.all(
      Array.from({ length: 6 }, () =>
        shopper(server, [
          { variantId: coffee.variantId, quantity: 2 },
          { variantId: tea.variantId, quantity: 1 },
        ]),
      ),
    );
    const checkouts = await Promise.all(buyers.map((buyer) => buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) })));
    expect(await stockOf(server, coffee.variantId)).toEqual({ onHand: 20, reserved: 12 });
    await Promise.all(
      checkouts.map((checkout, index) =>
        buyers[index]?.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'paid' } }),
      ),
    );
    await Promise.all(
      checkouts.map(async (checkout, index) => {
        const buyer = buyers[index] as (typeof buyers)[number];
        await eventually(async () => {
          const current = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } });
          expect(current.orders.map((order) => order.status)).toEqual(['paid', 'paid']);
        });
        // The orders are confirmed last: once they read as paid, the cart is completed already, and
        // the shopper's next cart is a new one.
        expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('completed');
      }),
    );
    expect(await stockOf(server, coffee.variantId)).toEqual({ onHand: 8, reserved: 0 });
    expect(await stockOf(server, tea.variantId)).toEqual({ onHand: 14, reserved: 0 });
  });

  test('a failed payment gives the stock back and cancels the orders at once; the cart stays open', async () => {
    const coffee = await productOf(server, { price: 45_000, stock: 4 });
    const buyer = await shopper(server, [{ variantId: coffee.variantId, quantity: 3 }]);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    expect(await stockOf(server, coffee.variantId)).toEqual({ onHand: 4, reserved: 3 });
    await buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'failed' } });
    await eventually(async () => {
      const current = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } });
      expect(current.status).toBe('failed');
      expect(current.orders.map((order) => order.status)).toEqual(['cancelled']);
      expect(await stockOf(server, coffee.variantId)).toEqual({ onHand: 4, reserved: 0 });
    });
    expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('open');
  });
});
