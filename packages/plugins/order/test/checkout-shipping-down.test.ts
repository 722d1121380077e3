import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { createTestServer, type SteeredRemote, startSteeredRemote, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { checkoutBody, checkoutsOf, paymentsFor, productOf, shopper, stockOf } from './checkout-support.js';

// A shipping service that is deployed but down must not be taken for one that is not deployed:
// the first refuses the checkout (503, nothing held, retry later), only the second places the
// orders without shipping. The shipping service here runs "elsewhere": its configured URL is a
// local HTTP server the test steers, so every failure is immediate, or (when it hangs) bounded by
// a 2 s remote-call timeout far inside the test's own, so nothing depends on timing.

let remote: SteeredRemote;
let server: TestServer;
// Long enough that a loaded machine answers the other cases well inside it; short beside the test timeout.
const REMOTE_TIMEOUT_MS = 2_000;

beforeAll(async () => {
  // Up again: this store has no shipping set up for the parcel.
  remote = await startSteeredRemote({ options: [] }, 'reset');
  server = await createTestServer({
    plugins: [inventoryPlugin(), cartPlugin(), paymentPlugin({ provider: 'sandbox' }), promotionPlugin(), orderPlugin({ settleIntervalMs: 100 })],
    remoteServices: { shipping: remote.url },
    remoteServiceTimeoutMs: REMOTE_TIMEOUT_MS,
  });
});
afterAll(async () => {
  await server?.close();
  await remote?.close();
});

/** A checkout of `cartId` sent over HTTP with an idempotency key, to read the answer's headers too. */
async function checkoutOverHttp(userId: string, cartId: string, idempotencyKey: string) {
  const accessToken = server.tokens.signAccessToken({ userId, role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
  return server.app.inject({
    method: 'POST',
    url: '/order/checkouts',
    headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': idempotencyKey },
    payload: checkoutBody(cartId),
  });
}

describe('a shipping service that is deployed but down', () => {
  const described = {
    reset: 'the connection closes unanswered',
    fail: 'it answers 503',
    hang: 'it accepts the call and never answers',
    stall: 'it answers 200 and stalls in the middle of its body',
  };
  for (const failure of ['reset', 'fail', 'hang', 'stall'] as const) {
    test(`(${described[failure]}) refuses the checkout with 503 ORDER_SHIPPING_UNAVAILABLE, holding nothing`, async () => {
      remote.behaviour = failure;
      const product = await productOf(server, { price: 40_000, stock: 4 });
      const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 2 }]);
      const before = remote.calls;

      const answer = await checkoutOverHttp(buyer.userId, buyer.cartId, `down-${failure}`);
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.json()).toMatchObject({ code: 'ORDER_SHIPPING_UNAVAILABLE', detail: expect.stringContaining(product.storeId) });
      // A hung callee, or one stuck mid-answer, is cut off at the configured bound, said so, and still taken as deployed (not skipped).
      if (failure === 'hang' || failure === 'stall') expect(answer.json().detail).toContain(`timed out after ${REMOTE_TIMEOUT_MS} ms`);
      else expect(answer.json().detail).not.toContain('timed out');
      // The shipping service was asked (it was not skipped as absent).
      expect(remote.calls).toBeGreaterThan(before);

      // Nothing held: no stock, no payment, the checkout failed, the cart still open.
      expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 0 });
      const tried = await checkoutsOf(server, buyer.userId);
      expect(tried.map((checkout) => [checkout.status, checkout.failure_code])).toEqual([['failed', 'ORDER_SHIPPING_UNAVAILABLE']]);
      expect(await paymentsFor(server, [tried[0]?.id as string])).toEqual([]);
      expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('open');

      // Still down: the same request retried with the same key is refused again, not answered from the first failure alone.
      const again = await checkoutOverHttp(buyer.userId, buyer.cartId, `down-${failure}`);
      expect(again.statusCode).toBe(503);
      expect(again.json().code).toBe('ORDER_SHIPPING_UNAVAILABLE');
      expect(again.headers['retry-after']).toBe('5');
      expect(await checkoutsOf(server, buyer.userId)).toHaveLength(2);

      // Back up (and quoting nothing for this store): the same key now places the order.
      remote.behaviour = 'up';
      const placed = await checkoutOverHttp(buyer.userId, buyer.cartId, `down-${failure}`);
      expect(placed.statusCode).toBe(201);
      const checkout = placed.json();
      expect(checkout.status).toBe('awaiting_payment');
      expect(checkout.orders[0].shipping.optionId).toBeNull();
      expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 2 });
      // A further retry with that key answers the same checkout: one payment for all the tries.
      const replayed = await checkoutOverHttp(buyer.userId, buyer.cartId, `down-${failure}`);
      expect(replayed.json().id).toBe(checkout.id);
      const statuses = (await checkoutsOf(server, buyer.userId)).map((row) => row.status).sort();
      expect(statuses).toEqual(['awaiting_payment', 'failed', 'failed']);
    });
  }
});

describe('a deployment without a shipping service', () => {
  test('places every store without shipping', async () => {
    const alone = await createTestServer({
      plugins: [inventoryPlugin(), cartPlugin(), paymentPlugin({ provider: 'sandbox' }), promotionPlugin(), orderPlugin({ settleIntervalMs: 100 })],
    });
    try {
      const product = await productOf(alone, { price: 40_000, stock: 4 });
      const buyer = await shopper(alone, [{ variantId: product.variantId, quantity: 1 }]);
      const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
      expect(checkout.status).toBe('awaiting_payment');
      expect(checkout.orders[0]?.shipping.optionId).toBeNull();
      expect(checkout.total.amount).toBe(40_000);
    } finally {
      await alone.close();
    }
  });
});
