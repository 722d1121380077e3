import { customerSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linesOf, startServer, tokenHeader, variantOf } from './support.js';

// An add is the one change of a cart that a retry repeats: sent again after its answer was lost
// (a dropped connection after the 200), it adds the units again. With an Idempotency-Key the same
// add, however often and however concurrently it is sent, adds once, and every retry gets the
// first answer.

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

async function guestCartWithVariant() {
  const created = await server.client().cart.createCart({ body: {} });
  const { variantId } = await variantOf(server, { price: 12_000, stock: 50 });
  return { cartId: created.id, token: created.token as string, variantId };
}

/** An add over HTTP, as a shopper's app sends it (the answer's headers matter here). */
function add(cartId: string, token: string | undefined, body: object, key?: string) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['x-cart-token'] = token;
  if (key !== undefined) headers['idempotency-key'] = key;
  return server.app.inject({ method: 'POST', url: `/cart/carts/${cartId}/lines`, headers, payload: body });
}

async function quantities(cartId: string, token: string) {
  const cart = await server.client().cart.getCart({ params: { cartId }, headers: tokenHeader(token) });
  return linesOf(cart).map((line) => [line.variantId, line.quantity]);
}

describe('adding a line with an Idempotency-Key', () => {
  test('sent 10 times, it adds once; every retry answers the first body, marked replayed', async () => {
    const { cartId, token, variantId } = await guestCartWithVariant();
    const body = { variantId, quantity: 3 };
    const first = await add(cartId, token, body, 'add-once-1');
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    for (let retry = 0; retry < 9; retry++) {
      const again = await add(cartId, token, body, 'add-once-1');
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
    }
    expect(await quantities(cartId, token)).toEqual([[variantId, 3]]);
    // Another key is another add.
    expect((await add(cartId, token, body, 'add-once-2')).statusCode).toBe(200);
    expect(await quantities(cartId, token)).toEqual([[variantId, 6]]);
  });

  test('sent 10 times at once, it adds once: the others wait for the first answer or are told it is running', async () => {
    const { cartId, token, variantId } = await guestCartWithVariant();
    const body = { variantId, quantity: 2 };
    const answers = await Promise.all(Array.from({ length: 10 }, () => add(cartId, token, body, 'add-at-once')));
    const made = answers.filter((answer) => answer.statusCode === 200 && answer.headers['idempotent-replayed'] === undefined);
    expect(made).toHaveLength(1);
    for (const answer of answers) {
      if (answer.statusCode === 200) expect(answer.json()).toEqual(made[0]?.json());
      else {
        expect(answer.statusCode).toBe(409);
        expect(answer.json().code).toBe('IDEMPOTENCY_IN_PROGRESS');
        expect(answer.headers['retry-after']).toBe('1');
      }
    }
    expect(await quantities(cartId, token)).toEqual([[variantId, 2]]);
    // Once the first has answered, every retry is its answer replayed.
    const retries = await Promise.all(Array.from({ length: 10 }, () => add(cartId, token, body, 'add-at-once')));
    for (const retry of retries) {
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()).toEqual(made[0]?.json());
    }
    expect(await quantities(cartId, token)).toEqual([[variantId, 2]]);
  });

  test('the key with another body is refused as everywhere else, and changes nothing', async () => {
    const { cartId, token, variantId } = await guestCartWithVariant();
    expect((await add(cartId, token, { variantId, quantity: 1 }, 'add-reused')).statusCode).toBe(200);
    const reused = await add(cartId, token, { variantId, quantity: 4 }, 'add-reused');
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await quantities(cartId, token)).toEqual([[variantId, 1]]);
  });

  test("a replay answers only the cart token that made the add: another guest's token or none gets no cart", async () => {
    // Every guest is one caller to the key store, so the cart token counts as part of the request.
    const { cartId, token, variantId } = await guestCartWithVariant();
    const other = await server.client().cart.createCart({ body: {} });
    const body = { variantId, quantity: 1 };
    expect((await add(cartId, token, body, 'add-guest')).statusCode).toBe(200);
    for (const stranger of [other.token as string, undefined]) {
      const answer = await add(cartId, stranger, body, 'add-guest');
      expect(answer.statusCode).toBe(422);
      expect(answer.json()).not.toHaveProperty('stores');
      expect(answer.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await quantities(cartId, token)).toEqual([[variantId, 1]]);
  });

  test('a refused add keeps no answer: the same key adds once the refusal is gone', async () => {
    const { cartId, token } = await guestCartWithVariant();
    const { variantId, merchant, productId } = await variantOf(server, { price: 9_000, stock: 1 });
    const body = { variantId, quantity: 2 };
    const refused = await add(cartId, token, body, 'add-after-restock');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('CART_INSUFFICIENT_STOCK');
    const product = await merchant.inventory.getStoreProduct({ params: { productId } });
    await merchant.inventory.updateProduct({
      params: { productId },
      body: { variants: [{ sku: product.variants[0]?.sku as string, price: { amount: 9_000, currency: 'IDR' }, weight: 250, stockOnHand: 5 }] },
    });
    expect((await add(cartId, token, body, 'add-after-restock')).statusCode).toBe(200);
    expect((await add(cartId, token, body, 'add-after-restock')).headers['idempotent-replayed']).toBe('true');
    expect(await quantities(cartId, token)).toEqual([[variantId, 2]]);
  });

  test("through the SDK: a customer's add retried with its key adds once; without one each call is its own add", async () => {
    const shopper = customerSession(server);
    const cart = await shopper.cart.createCart({ body: {} });
    const { variantId } = await variantOf(server, { price: 5_000, stock: 20 });
    const params = { cartId: cart.id };
    const once = await shopper.cart.addCartLine({ params, idempotencyKey: 'sdk-add', body: { variantId, quantity: 2 } });
    expect(await shopper.cart.addCartLine({ params, idempotencyKey: 'sdk-add', body: { variantId, quantity: 2 } })).toEqual(once);
    // The SDK makes up a key per call when none is given: two calls, two adds.
    await shopper.cart.addCartLine({ params, body: { variantId, quantity: 1 } });
    const twice = await shopper.cart.addCartLine({ params, body: { variantId, quantity: 1 } });
    expect(linesOf(twice).map((line) => line.quantity)).toEqual([4]);
  });
});
