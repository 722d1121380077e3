import { newId } from '@tokobapak/server';
import { customerSession, expectProblem, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Cart, linesOf, startServer, tokenHeader, variantOf } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

async function guestCart() {
  const created = await server.client().cart.createCart({ body: {} });
  return { cartId: created.id, token: created.token as string, headers: tokenHeader(created.token) };
}

describe('guest carts', () => {
  test('the token is shown once, at creation, and reaches the cart; nothing else does', async () => {
    const { cartId, token, headers } = await guestCart();
    expect(token).toMatch(/^ctk_[A-Za-z0-9_-]{43}$/);
    const { variantId } = await variantOf(server, { price: 15000, stock: 10 });
    const cart = await server.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 2 } });
    expect(cart).toMatchObject({ id: cartId, status: 'open', currency: 'IDR', customerId: null });
    expect(cart).not.toHaveProperty('token');
    expect(await server.client().cart.getCart({ params: { cartId }, headers })).toEqual(cart);

    const other = await guestCart();
    await expectProblem(server.client().cart.getCart({ params: { cartId }, headers: other.headers }), 404, 'CART_NOT_FOUND');
    await expectProblem(server.client().cart.getCart({ params: { cartId }, headers: tokenHeader(`${token}x`) }), 404, 'CART_NOT_FOUND');
    await expectProblem(customerSession(server).cart.getCart({ params: { cartId } }), 404, 'CART_NOT_FOUND');
    await expectProblem(server.client().cart.getCart({ params: { cartId } }), 401, 'CART_TOKEN_REQUIRED');
    await expectProblem(
      server.client().cart.addCartLine({ params: { cartId }, headers: other.headers, body: { variantId, quantity: 1 } }),
      404,
      'CART_NOT_FOUND',
    );
    // The token is stored hashed: the database never holds it.
    const rows = await server.database.db
      .withSchema('cart')
      .selectFrom('carts' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  test('a bad bearer token is a 401, not a quiet downgrade to guest', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/cart/carts', headers: { authorization: 'Bearer nonsense' }, payload: {} });
    expect(response.statusCode).toBe(401);
  });
});

describe('customer carts', () => {
  test('customers open carts one after another, past the runs after which PostgreSQL plans a statement once for all values', async () => {
    // A pooled connection switches a named statement to a generic plan after five runs; the
    // open-cart insert's conflict target must still be found then (it was not, with the partial
    // index's predicate sent as a parameter).
    for (let customer = 0; customer < 12; customer += 1) {
      const cart = await customerSession(server, newId('usr')).cart.createCart({ body: {} });
      expect(cart).toMatchObject({ status: 'open', stores: [] });
    }
  });

  test('one open cart per customer, also under concurrent creation; another customer cannot see it', async () => {
    const userId = newId('usr');
    const shopper = customerSession(server, userId);
    const carts = await Promise.all(Array.from({ length: 8 }, () => shopper.cart.createCart({ body: {} })));
    expect(new Set(carts.map((cart) => cart.id)).size).toBe(1);
    expect(carts[0]).toMatchObject({ customerId: userId, token: null });
    const cartId = carts[0]?.id as string;
    await expectProblem(customerSession(server).cart.getCart({ params: { cartId } }), 404, 'CART_NOT_FOUND');
    await expectProblem(customerSession(server).cart.removeCartLine({ params: { cartId, lineId: newId('cli') } }), 404, 'CART_NOT_FOUND');
  });
});

describe('lines', () => {
  test('lines of several stores are grouped by store; adding again raises the quantity; change and remove', async () => {
    const { cartId, headers } = await guestCart();
    const storeA = newId('sto');
    const a1 = await variantOf(server, { price: 10000, stock: 10, storeId: storeA });
    const b = await variantOf(server, { price: 20000, stock: 10 });
    const a2 = await variantOf(server, { price: 5000, stock: 10, storeId: storeA });
    const client = server.client();
    await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: a1.variantId, quantity: 1 } });
    await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: b.variantId, quantity: 1 } });
    await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: a2.variantId, quantity: 1 } });
    let cart = await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: a1.variantId, quantity: 2 } });
    expect(cart.stores.map((store) => [store.storeId, store.lines.map((line) => [line.variantId, line.quantity])])).toEqual([
      [
        storeA,
        [
          [a1.variantId, 3],
          [a2.variantId, 1],
        ],
      ],
      [b.storeId, [[b.variantId, 1]]],
    ]);
    const line = linesOf(cart).find((candidate) => candidate.variantId === a2.variantId);
    cart = await client.cart.updateCartLine({ params: { cartId, lineId: line?.id as string }, headers, body: { quantity: 4 } });
    expect(linesOf(cart).find((candidate) => candidate.id === line?.id)?.quantity).toBe(4);
    cart = await client.cart.removeCartLine({ params: { cartId, lineId: line?.id as string }, headers });
    expect(linesOf(cart).map((candidate) => candidate.variantId)).toEqual([a1.variantId, b.variantId]);
    await expectProblem(client.cart.removeCartLine({ params: { cartId, lineId: line?.id as string }, headers }), 404, 'CART_LINE_NOT_FOUND');
  });

  test('bad input gets a coded 4xx and leaves the cart exactly as it was', async () => {
    const { cartId, headers } = await guestCart();
    const client = server.client();
    const { variantId } = await variantOf(server, { price: 10000, stock: 3 });
    const dollars = await variantOf(server, { price: 500, stock: 3, currency: 'USD' });
    const draft = await variantOf(server, { price: 500, stock: 3, status: 'draft' });
    const before = await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 2 } });
    const lineId = linesOf(before)[0]?.id as string;

    for (const quantity of [0, -1, 1e12, 1.5]) {
      const response = await server.app.inject({
        method: 'POST',
        url: `/cart/carts/${cartId}/lines`,
        headers: { 'x-cart-token': headers['X-Cart-Token'] },
        payload: { variantId, quantity },
      });
      expect(response.statusCode, `quantity ${quantity}`).toBe(400);
      expect(JSON.parse(response.body).code).toBe('VALIDATION_FAILED');
    }
    await expectProblem(
      client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: newId('var'), quantity: 1 } }),
      404,
      'CART_VARIANT_NOT_FOUND',
    );
    await expectProblem(
      client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: draft.variantId, quantity: 1 } }),
      404,
      'CART_VARIANT_NOT_FOUND',
    );
    await expectProblem(
      client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: dollars.variantId, quantity: 1 } }),
      422,
      'CART_CURRENCY_MISMATCH',
    );
    const short = await expectProblem(
      client.cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 2 } }),
      409,
      'CART_INSUFFICIENT_STOCK',
    );
    expect(short.detail).toContain('3 of');
    await expectProblem(client.cart.updateCartLine({ params: { cartId, lineId }, headers, body: { quantity: 4 } }), 409, 'CART_INSUFFICIENT_STOCK');
    await expectProblem(client.cart.updateCartLine({ params: { cartId, lineId: newId('cli') }, headers, body: { quantity: 1 } }), 404, 'CART_LINE_NOT_FOUND');
    expect(await client.cart.getCart({ params: { cartId }, headers })).toEqual(before);
  });

  test('20 concurrent adds of one unit with 5 in stock: the line ends at exactly 5', async () => {
    const { cartId, headers } = await guestCart();
    const { variantId } = await variantOf(server, { price: 1000, stock: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => server.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 1 } })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 409, code: 'CART_INSUFFICIENT_STOCK' });
    const cart = await server.client().cart.getCart({ params: { cartId }, headers });
    expect(linesOf(cart).map((line) => line.quantity)).toEqual([5]);
  });
});

describe('concurrent adds of different variants', () => {
  // A line's add decides on the lines it read and writes only if no other change got in between;
  // otherwise it decides again holding the cart's lock. These adds touch different lines, so only
  // the cart's row (its version and lock) stands between them.
  test('ten at once to a cart one line short of its limit: exactly one gets in, the others are refused', async () => {
    const limited = await startServer({ cart: { maxLines: 3 } });
    try {
      const created = await limited.client().cart.createCart({ body: {} });
      const headers = tokenHeader(created.token);
      const cartId = created.id;
      for (let index = 0; index < 2; index++) {
        const { variantId } = await variantOf(limited, { price: 1000, stock: 10 });
        await limited.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 1 } });
      }
      const candidates: string[] = [];
      for (let index = 0; index < 10; index++) candidates.push((await variantOf(limited, { price: 2000, stock: 10 })).variantId);
      const results = await Promise.allSettled(
        candidates.map((variantId) => limited.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 1 } })),
      );
      const added = results.filter((result) => result.status === 'fulfilled');
      expect(added).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 422, code: 'CART_TOO_MANY_LINES' });
      const cart = await limited.client().cart.getCart({ params: { cartId }, headers });
      expect(linesOf(cart)).toHaveLength(3);
      expect(added[0]?.status === 'fulfilled' && linesOf(added[0].value)).toEqual(linesOf(cart));
    } finally {
      await limited.close();
    }
  });

  test('ten at once, all allowed: every answer shows its own line, and the cart ends with all ten', async () => {
    const { cartId, headers } = await guestCart();
    const variantIds: string[] = [];
    for (let index = 0; index < 10; index++) variantIds.push((await variantOf(server, { price: 1000 + index, stock: 3 })).variantId);
    const answers = await Promise.all(
      variantIds.map((variantId) => server.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 2 } })),
    );
    answers.forEach((answer, index) => {
      expect(linesOf(answer).find((line) => line.variantId === variantIds[index])).toMatchObject({ quantity: 2, requestedQuantity: 2, status: 'ok' });
    });
    const cart = await server.client().cart.getCart({ params: { cartId }, headers });
    expect(
      linesOf(cart)
        .map((line) => line.variantId)
        .sort(),
    ).toEqual([...variantIds].sort());
    expect(cart.totals.subtotal.amount).toBe(variantIds.reduce((sum, _id, index) => sum + 2 * (1000 + index), 0));
  });
});

describe('changes answered without reading the cart back', () => {
  // A change written while the cart is still as read answers that cart with the line changed; the
  // answer must be exactly what a read shows next, including a new store's tax choice and order.
  test('each answer equals the cart read right after it', async () => {
    const { cartId, headers } = await guestCart();
    const exclusive = await variantOf(server, { price: 10000, stock: 10 });
    await storeSession(server, exclusive.storeId, 'manager').cart.setStoreTaxSettings({ body: { pricesIncludeTax: false } });
    const first = await variantOf(server, { price: 3000, stock: 10 });
    const client = server.client();
    const read = () => client.cart.getCart({ params: { cartId }, headers });
    let answer = await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: first.variantId, quantity: 1 } });
    expect(answer).toEqual(await read());
    answer = await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: exclusive.variantId, quantity: 2 } });
    expect(answer.stores.map((store) => store.pricesIncludeTax)).toEqual([true, false]);
    expect(answer).toEqual(await read());
    answer = await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: first.variantId, quantity: 3 } });
    expect(answer).toEqual(await read());
    const lineId = linesOf(answer).find((line) => line.variantId === exclusive.variantId)?.id as string;
    answer = await client.cart.updateCartLine({ params: { cartId, lineId }, headers, body: { quantity: 5 } });
    expect(answer).toEqual(await read());
    answer = await client.cart.removeCartLine({ params: { cartId, lineId }, headers });
    expect(answer).toEqual(await read());
    expect(linesOf(answer).map((line) => [line.variantId, line.quantity])).toEqual([[first.variantId, 4]]);
  });

  test('changes of six lines at once: none is lost, and each answer shows its own', async () => {
    const { cartId, headers } = await guestCart();
    const client = server.client();
    const lineIds: string[] = [];
    for (let index = 0; index < 6; index++) {
      const { variantId } = await variantOf(server, { price: 1000, stock: 9 });
      const cart = await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId, quantity: 1 } });
      lineIds.push(linesOf(cart).find((line) => line.variantId === variantId)?.id as string);
    }
    const [kept, removed] = [lineIds.slice(0, 3), lineIds.slice(3)];
    const answers = await Promise.all([
      ...kept.map((lineId, index) => client.cart.updateCartLine({ params: { cartId, lineId }, headers, body: { quantity: 2 + index } })),
      ...removed.map((lineId) => client.cart.removeCartLine({ params: { cartId, lineId }, headers })),
    ]);
    expect(kept.map((lineId, index) => linesOf(answers[index] as Cart).find((line) => line.id === lineId)?.quantity)).toEqual([2, 3, 4]);
    expect(removed.map((lineId, index) => linesOf(answers[3 + index] as Cart).some((line) => line.id === lineId))).toEqual([false, false, false]);
    const cart = await client.cart.getCart({ params: { cartId }, headers });
    expect(linesOf(cart).map((line) => [line.id, line.quantity])).toEqual(kept.map((lineId, index) => [lineId, 2 + index]));
    // Removing a line twice at once: one removes it, the other finds it gone.
    const results = await Promise.allSettled(
      [kept[0], kept[0]].map((lineId) => client.cart.removeCartLine({ params: { cartId, lineId: lineId as string }, headers })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 404, code: 'CART_LINE_NOT_FOUND' });
  });
});

describe('reads go through to inventory', () => {
  test('a price change shows at once; stock that falls reduces the line; a withdrawn product makes it unavailable', async () => {
    const { cartId, headers } = await guestCart();
    const client = server.client();
    const priced = await variantOf(server, { price: 10000, stock: 10 });
    const scarce = await variantOf(server, { price: 2000, stock: 10 });
    const withdrawn = await variantOf(server, { price: 3000, stock: 10 });
    for (const variant of [priced, scarce, withdrawn])
      await client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: variant.variantId, quantity: 4 } });

    const product = await priced.merchant.inventory.getStoreProduct({ params: { productId: priced.productId } });
    const variant = product.variants[0];
    await priced.merchant.inventory.updateProduct({
      params: { productId: priced.productId },
      body: { variants: [{ sku: variant?.sku as string, price: { amount: 12500, currency: 'IDR' }, weight: 250, stockOnHand: 10 }] },
    });
    await scarce.merchant.inventory.setVariantStock({ params: { variantId: scarce.variantId }, body: { stockOnHand: 3 } });
    await withdrawn.merchant.inventory.archiveProduct({ params: { productId: withdrawn.productId } });

    const cart = await client.cart.getCart({ params: { cartId }, headers });
    const byVariant = new Map(linesOf(cart).map((line) => [line.variantId, line]));
    expect(byVariant.get(priced.variantId)).toMatchObject({ unitPrice: { amount: 12500 }, quantity: 4, status: 'ok', subtotal: { amount: 50000 } });
    expect(byVariant.get(scarce.variantId)).toMatchObject({ requestedQuantity: 4, quantity: 3, available: 3, status: 'reduced', subtotal: { amount: 6000 } });
    expect(byVariant.get(withdrawn.variantId)).toMatchObject({ quantity: 0, status: 'unavailable', subtotal: { amount: 0 } });
    expect(cart.totals.subtotal.amount).toBe(56000);
  });
});

describe('reads in flight together', () => {
  test('carts read at the same time are read together, and each shopper gets exactly its own cart, at current prices', async () => {
    const client = server.client();
    const carts = [];
    for (let index = 0; index < 8; index++) {
      const cart = await guestCart();
      const variant = await variantOf(server, { price: 1000 * (index + 1), stock: 50 });
      await client.cart.addCartLine({ params: { cartId: cart.cartId }, headers: cart.headers, body: { variantId: variant.variantId, quantity: index + 1 } });
      carts.push({ ...cart, variant });
    }
    // Every cart's price moves just before the reads: none may answer the old one.
    for (const [index, { variant }] of carts.entries()) {
      const product = await variant.merchant.inventory.getStoreProduct({ params: { productId: variant.productId } });
      const sku = product.variants[0]?.sku as string;
      await variant.merchant.inventory.updateProduct({
        params: { productId: variant.productId },
        body: { variants: [{ sku, price: { amount: 1500 * (index + 1), currency: 'IDR' }, weight: 250, stockOnHand: 50 }] },
      });
    }
    const [first, second] = carts;
    const answers = await Promise.allSettled([
      ...carts.map(({ cartId, headers }) => client.cart.getCart({ params: { cartId }, headers })),
      // Beside them: a token for another cart, and a cart that does not exist.
      client.cart.getCart({ params: { cartId: first?.cartId as string }, headers: second?.headers as Record<string, string> }),
      client.cart.getCart({ params: { cartId: newId('crt') }, headers: first?.headers as Record<string, string> }),
    ]);
    for (const [index, { cartId, variant }] of carts.entries()) {
      const answer = answers[index];
      expect(answer?.status).toBe('fulfilled');
      const cart = (answer as PromiseFulfilledResult<Awaited<ReturnType<typeof client.cart.getCart>>>).value;
      expect(cart.id).toBe(cartId);
      expect(linesOf(cart)).toEqual([
        expect.objectContaining({ variantId: variant.variantId, quantity: index + 1, unitPrice: { amount: 1500 * (index + 1), currency: 'IDR' } }),
      ]);
      expect(cart.totals.subtotal.amount).toBe(1500 * (index + 1) * (index + 1));
    }
    for (const refused of answers.slice(carts.length)) {
      expect(refused?.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ status: 404, code: 'CART_NOT_FOUND' });
    }
  });
});

describe('changes in flight together', () => {
  // Adds and quantity changes read their carts and variants together with the other requests of
  // the same turn, as reads do: each must still decide on its own cart, at the stock and price
  // just set.
  test('adds to several carts at once: each gets its own cart at current price and stock; a wrong token and too many are refused', async () => {
    const client = server.client();
    const shared = await variantOf(server, { price: 2000, stock: 50 });
    const carts = [];
    for (let index = 0; index < 6; index++) {
      const cart = await guestCart();
      const own = await variantOf(server, { price: 1000, stock: 50 });
      await client.cart.addCartLine({ params: { cartId: cart.cartId }, headers: cart.headers, body: { variantId: own.variantId, quantity: 1 } });
      carts.push({ ...cart, own });
    }
    // Just before the adds: a new price, and 3 left.
    const product = await shared.merchant.inventory.getStoreProduct({ params: { productId: shared.productId } });
    await shared.merchant.inventory.updateProduct({
      params: { productId: shared.productId },
      body: { variants: [{ sku: product.variants[0]?.sku as string, price: { amount: 2500, currency: 'IDR' }, weight: 250, stockOnHand: 3 }] },
    });
    const [first, second, third] = carts;
    const answers = await Promise.allSettled([
      ...carts.map(({ cartId, headers }, index) =>
        client.cart.addCartLine({ params: { cartId }, headers, body: { variantId: shared.variantId, quantity: 1 + (index % 3) } }),
      ),
      client.cart.addCartLine({
        params: { cartId: first?.cartId as string },
        headers: second?.headers as Record<string, string>,
        body: { variantId: shared.variantId, quantity: 1 },
      }),
      client.cart.addCartLine({
        params: { cartId: third?.cartId as string },
        headers: third?.headers as Record<string, string>,
        body: { variantId: shared.variantId, quantity: 4 },
      }),
    ]);
    for (const [index, { cartId, own }] of carts.entries()) {
      const answer = answers[index];
      expect(answer?.status).toBe('fulfilled');
      const cart = (answer as PromiseFulfilledResult<Cart>).value;
      expect(cart.id).toBe(cartId);
      expect(linesOf(cart).map((line) => [line.variantId, line.quantity, line.unitPrice.amount])).toEqual([
        [own.variantId, 1, 1000],
        [shared.variantId, 1 + (index % 3), 2500],
      ]);
      expect(cart).toEqual(await client.cart.getCart({ params: { cartId }, headers: carts[index]?.headers as Record<string, string> }));
    }
    expect((answers[carts.length] as PromiseRejectedResult).reason).toMatchObject({ status: 404, code: 'CART_NOT_FOUND' });
    expect((answers[carts.length + 1] as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'CART_INSUFFICIENT_STOCK' });
  });
});
