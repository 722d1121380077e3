import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { createTestServer, type RemoteBehaviour, type SteeredRemote, startSteeredRemote, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cartPlugin } from '../src/index.js';
import { type Cart, linesOf, tokenHeader, variantOf } from './support.js';

// A change answered 503 because the promotion service (deployed, but down) could not price it must
// leave the cart exactly as it was: the shopper's app retries it when Retry-After invites, and the
// retry must make the change once. The promotion service runs "elsewhere": its URL is a local HTTP
// server the test steers, answering no discounts while up, so every failure is immediate.

let remote: SteeredRemote;
let server: TestServer;

beforeAll(async () => {
  remote = await startSteeredRemote({ currency: 'IDR', discount: 0, shippingDiscount: 0, lines: [], stores: [], applied: [], rejectedCodes: [] });
  server = await createTestServer({ plugins: [inventoryPlugin(), shippingPlugin(), cartPlugin()], remoteServices: { promotion: remote.url } });
});
afterAll(async () => {
  await server?.close();
  await remote?.close();
});

/** A guest cart holding `quantity` of a variant with 9 in stock, read back while the promotion service is up. */
async function cartWithLine(quantity: number) {
  remote.behaviour = 'up';
  const created = await server.client().cart.createCart({ body: {} });
  const headers = tokenHeader(created.token);
  const { variantId, storeId } = await variantOf(server, { price: 40_000, stock: 9 });
  await server.client().cart.addCartLine({ params: { cartId: created.id }, headers, body: { variantId, quantity } });
  const cart = await server.client().cart.getCart({ params: { cartId: created.id }, headers });
  return { cartId: created.id, headers, variantId, storeId, lineId: linesOf(cart)[0]?.id as string, cart };
}

type Change = { method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: object };

/** Sends a change over HTTP as a shopper's app would (to read the answer's headers). */
function send(headers: Record<string, string>, change: Change) {
  return server.app.inject({ method: change.method, url: change.url, headers: { 'x-cart-token': headers['X-Cart-Token'] as string }, payload: change.payload });
}

/**
 * While the promotion service fails as `failure` says, `change` answers 503 CART_PROMOTIONS_UNAVAILABLE
 * with Retry-After and the promotion service was asked; once it is back the cart reads exactly as
 * `before` (nothing written, not even its `updatedAt`), and the same change sent again is answered.
 */
async function expectRefusedThenDoneOnce(failure: RemoteBehaviour, before: { cartId: string; headers: Record<string, string>; cart: Cart }, change: Change) {
  remote.behaviour = failure;
  const asked = remote.calls;
  const refused = await send(before.headers, change);
  expect(refused.statusCode).toBe(503);
  expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.json().code).toBe('CART_PROMOTIONS_UNAVAILABLE');
  expect(remote.calls).toBeGreaterThan(asked);

  remote.behaviour = 'up';
  expect(await server.client().cart.getCart({ params: { cartId: before.cartId }, headers: before.headers })).toEqual(before.cart);
  const retried = await send(before.headers, change);
  expect(retried.statusCode).toBe(200);
  const after = await server.client().cart.getCart({ params: { cartId: before.cartId }, headers: before.headers });
  expect(retried.json()).toEqual(after);
  return after;
}

describe('a change the promotion service cannot price changes nothing, so its retry makes it once', () => {
  for (const failure of ['reset', 'fail'] as const) {
    const how = failure === 'reset' ? 'the connection closes unanswered' : 'it answers 503';
    test(`(${how}) adding units of a variant already in the cart`, async () => {
      const before = await cartWithLine(1);
      const after = await expectRefusedThenDoneOnce(failure, before, {
        method: 'POST',
        url: `/cart/carts/${before.cartId}/lines`,
        payload: { variantId: before.variantId, quantity: 2 },
      });
      expect(linesOf(after).map((line) => [line.variantId, line.quantity])).toEqual([[before.variantId, 3]]);
    });

    test(`(${how}) adding a new line`, async () => {
      const before = await cartWithLine(1);
      const { variantId } = await variantOf(server, { price: 25_000, stock: 4 });
      const after = await expectRefusedThenDoneOnce(failure, before, {
        method: 'POST',
        url: `/cart/carts/${before.cartId}/lines`,
        payload: { variantId, quantity: 2 },
      });
      expect(linesOf(after).map((line) => [line.variantId, line.quantity])).toEqual([
        [before.variantId, 1],
        [variantId, 2],
      ]);
    });

    test(`(${how}) changing a line's quantity`, async () => {
      const before = await cartWithLine(2);
      const after = await expectRefusedThenDoneOnce(failure, before, {
        method: 'PATCH',
        url: `/cart/carts/${before.cartId}/lines/${before.lineId}`,
        payload: { quantity: 5 },
      });
      expect(linesOf(after).map((line) => line.quantity)).toEqual([5]);
    });

    test(`(${how}) removing a line`, async () => {
      const first = await cartWithLine(2);
      // A second line, so that the cart left has something to price (an empty cart asks the promotion service nothing).
      const { variantId } = await variantOf(server, { price: 25_000, stock: 4 });
      await server.client().cart.addCartLine({ params: { cartId: first.cartId }, headers: first.headers, body: { variantId, quantity: 1 } });
      const before = { ...first, cart: await server.client().cart.getCart({ params: { cartId: first.cartId }, headers: first.headers }) };
      const after = await expectRefusedThenDoneOnce(failure, before, { method: 'DELETE', url: `/cart/carts/${before.cartId}/lines/${before.lineId}` });
      expect(linesOf(after).map((line) => [line.variantId, line.quantity])).toEqual([[variantId, 1]]);
    });

    test(`(${how}) applying a coupon, and taking it off`, async () => {
      const before = await cartWithLine(1);
      const applied = await expectRefusedThenDoneOnce(failure, before, {
        method: 'POST',
        url: `/cart/carts/${before.cartId}/coupons`,
        payload: { code: 'hemat' },
      });
      expect(applied.couponCodes).toEqual(['HEMAT']);
      const removed = await expectRefusedThenDoneOnce(
        failure,
        { ...before, cart: applied },
        { method: 'DELETE', url: `/cart/carts/${before.cartId}/coupons/hemat` },
      );
      expect(removed.couponCodes).toEqual([]);
    });

    test(`(${how}) choosing a store's shipping`, async () => {
      const before = await cartWithLine(1);
      await storeSession(server, before.storeId).shipping.updateShippingSettings({
        body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 15_000 }, weightTable: null, biteship: null },
      });
      const { options } = await server.client().shipping.quoteShippingRates({
        body: { storeId: before.storeId, destination: { postalCode: '12190' }, items: [{ weight: 250, quantity: 1 }], currency: 'IDR' },
      });
      const after = await expectRefusedThenDoneOnce(failure, before, {
        method: 'PUT',
        url: `/cart/carts/${before.cartId}/shipping/${before.storeId}`,
        payload: { optionId: options[0]?.optionId },
      });
      expect(after.totals.shipping).toEqual({ amount: 15_000, currency: 'IDR' });
    });
  }
});

describe('changes of one cart at once: each is decided, priced and written on the cart as it is', () => {
  test('coupons applied together are all kept, and units added together all count', async () => {
    const { cartId, headers, variantId } = await cartWithLine(1);
    const codes = ['SATU', 'DUA', 'TIGA', 'EMPAT', 'LIMA'];
    const asked = remote.calls;
    // Read together, so all but one find the cart changed when they write, and are read, decided and priced again.
    await Promise.all([
      ...codes.map((code) => server.client().cart.applyCartCoupon({ params: { cartId }, headers, body: { code } })),
      ...codes.map(() => server.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 1 } })),
    ]);
    const cart = await server.client().cart.getCart({ params: { cartId }, headers });
    expect([...cart.couponCodes].sort()).toEqual([...codes].sort());
    expect(linesOf(cart).map((line) => line.quantity)).toEqual([6]);
    // Every change asked the promotion service at least once (a change tried again asks again).
    expect(remote.calls - asked).toBeGreaterThanOrEqual(codes.length * 2);
  });
});
