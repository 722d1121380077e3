import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { createTestServer, type SteeredRemote, startSteeredRemote, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { checkoutBody, checkoutsOf, paymentsFor, productOf, shopper, stockOf } from './checkout-support.js';

// A promotion service that is deployed but down must not be taken for one that is not deployed:
// only the second prices the cart without discounts. The first makes cart reads, line changes and
// the checkout answer 503 (a cart priced without its discounts shows totals that are not the real
// ones, and a checkout of it would charge full price and redeem nothing); a change refused so is
// not made. The promotion service
// runs "elsewhere": its configured URL is a local HTTP server the test steers, so every failure
// is immediate and nothing depends on timing.

let remote: SteeredRemote;
let server: TestServer;

beforeAll(async () => {
  // Up, with no promotion running: nothing is discounted.
  remote = await startSteeredRemote({ currency: 'IDR', discount: 0, shippingDiscount: 0, lines: [], stores: [], applied: [], rejectedCodes: [] });
  server = await createTestServer({
    plugins: [inventoryPlugin(), cartPlugin(), paymentPlugin({ provider: 'sandbox' }), orderPlugin({ settleIntervalMs: 100 })],
    remoteServices: { promotion: remote.url },
  });
});
afterAll(async () => {
  await server?.close();
  await remote?.close();
});

function bearer(userId: string) {
  return `Bearer ${server.tokens.signAccessToken({ userId, role: 'customer', sessionId: `ses_${'0'.repeat(26)}` })}`;
}

function expectPromotionsDown(answer: { statusCode: number; headers: Record<string, unknown>; json: () => { code?: string } }) {
  expect(answer.statusCode).toBe(503);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers['retry-after']).toBe('5');
  expect(answer.json().code).toBe('CART_PROMOTIONS_UNAVAILABLE');
}

describe('a promotion service that is deployed but down', () => {
  for (const failure of ['reset', 'fail'] as const) {
    const how = failure === 'reset' ? 'the connection closes unanswered' : 'it answers 503';
    test(`(${how}) a cart read and a line change answer 503 CART_PROMOTIONS_UNAVAILABLE; the change is not made`, async () => {
      remote.behaviour = 'up';
      const product = await productOf(server, { price: 40_000, stock: 9 });
      const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 1 }]);
      remote.behaviour = failure;
      const before = remote.calls;

      const read = await server.app.inject({ method: 'GET', url: `/cart/carts/${buyer.cartId}`, headers: { authorization: bearer(buyer.userId) } });
      expectPromotionsDown(read);
      expect(remote.calls).toBeGreaterThan(before);

      const added = await server.app.inject({
        method: 'POST',
        url: `/cart/carts/${buyer.cartId}/lines`,
        headers: { authorization: bearer(buyer.userId) },
        payload: { variantId: product.variantId, quantity: 2 },
      });
      expectPromotionsDown(added);

      // Back up: the change that could not be priced was not written, so sending it again makes it once.
      remote.behaviour = 'up';
      const cart = await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } });
      expect(cart.stores.flatMap((store) => store.lines.map((line) => line.quantity))).toEqual([1]);
      const retried = await buyer.client.cart.addCartLine({ params: { cartId: buyer.cartId }, body: { variantId: product.variantId, quantity: 2 } });
      expect(retried.stores.flatMap((store) => store.lines.map((line) => line.quantity))).toEqual([3]);
    });

    test(`(${how}) the checkout is refused with 503, holding nothing, and goes through once it is back`, async () => {
      remote.behaviour = 'up';
      const product = await productOf(server, { price: 40_000, stock: 4 });
      const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 2 }]);
      remote.behaviour = failure;
      const checkout = () =>
        server.app.inject({
          method: 'POST',
          url: '/order/checkouts',
          headers: { authorization: bearer(buyer.userId), 'idempotency-key': `promotions-${failure}` },
          payload: checkoutBody(buyer.cartId),
        });

      expectPromotionsDown(await checkout());
      expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 0 });
      const tried = await checkoutsOf(server, buyer.userId);
      expect(
        await paymentsFor(
          server,
          tried.map((row) => row.id),
        ),
      ).toEqual([]);

      remote.behaviour = 'up';
      const placed = await checkout();
      expect(placed.statusCode).toBe(201);
      expect(placed.json().total.amount).toBe(80_000);
      expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 2 });
    });
  }
});

describe('a deployment without a promotion service', () => {
  test('prices the cart without discounts and checks it out', async () => {
    const alone = await createTestServer({
      plugins: [inventoryPlugin(), cartPlugin(), paymentPlugin({ provider: 'sandbox' }), orderPlugin({ settleIntervalMs: 100 })],
    });
    try {
      const product = await productOf(alone, { price: 40_000, stock: 4 });
      const buyer = await shopper(alone, [{ variantId: product.variantId, quantity: 1 }]);
      expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).promotions).toEqual([]);
      const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
      expect(checkout.status).toBe('awaiting_payment');
      expect(checkout.total.amount).toBe(40_000);
    } finally {
      await alone.close();
    }
  });
});
