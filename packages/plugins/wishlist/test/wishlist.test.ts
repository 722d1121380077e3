import { expectProblem, signUp, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, stockedProduct } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ maxItems: 3 });
});
afterAll(async () => {
  await server?.close();
});

describe('a customer’s wishlist', () => {
  test('add, list with live price and stock, add again (same item, 200), remove', async () => {
    const { client, accessToken } = await signUp(server);
    const { merchant, product, input } = await stockedProduct(server, [10, 0]);
    const [small, large] = product.variants;

    const added = await client.wishlist.addWishlistItem({ body: { variantId: small!.id } });
    expect(added).toMatchObject({
      id: expect.stringMatching(/^wsh_/),
      variantId: small!.id,
      productId: product.id,
      storeId: product.storeId,
      status: 'available',
      seenPrice: { amount: 85000, currency: 'IDR' },
      priceDropped: false,
      variant: { productTitle: 'Kopi Gayo', price: { amount: 85000, currency: 'IDR' }, available: 10, soldOut: false, purchasable: true },
    });
    const again = await server.app.inject({
      method: 'POST',
      url: '/wishlist/items',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { variantId: small!.id },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(added.id);
    await client.wishlist.addWishlistItem({ body: { variantId: large!.id } });

    // The list reads inventory now: a cheaper price and a stock count show at once.
    await merchant.inventory.updateProduct({
      params: { productId: product.id },
      body: { variants: input.variants.map((variant, index) => (index === 0 ? { ...variant, price: { amount: 80000, currency: 'IDR' } } : variant)) },
    });
    const page = await client.wishlist.listWishlistItems({ query: {} });
    expect(page.items.map((item) => [item.variantId, item.status, item.variant?.price.amount, item.priceDropped])).toEqual([
      [large!.id, 'sold_out', 300000, false],
      [small!.id, 'available', 80000, true],
    ]);

    await client.wishlist.removeWishlistItem({ params: { itemId: added.id } });
    expect((await client.wishlist.listWishlistItems({ query: {} })).items.map((item) => item.variantId)).toEqual([large!.id]);
    await expectProblem(client.wishlist.removeWishlistItem({ params: { itemId: added.id } }), 404, 'WISHLIST_ITEM_NOT_FOUND');
  });

  test('pages through the list with a cursor', async () => {
    const { client } = await signUp(server);
    const { product: one } = await stockedProduct(server);
    const { product: two } = await stockedProduct(server);
    for (const variant of [...one.variants, two.variants[0]!]) await client.wishlist.addWishlistItem({ body: { variantId: variant.id } });
    const first = await client.wishlist.listWishlistItems({ query: { limit: 2 } });
    expect(first.items).toHaveLength(2);
    const second = await client.wishlist.listWishlistItems({ query: { limit: 2, cursor: first.nextCursor! } });
    expect(second).toMatchObject({ items: [{ variantId: one.variants[0]!.id }], nextCursor: null });
  });

  test('another customer’s items are neither listed nor removable (404, like a missing one)', async () => {
    const ani = await signUp(server);
    const budi = await signUp(server);
    const { product } = await stockedProduct(server);
    const item = await ani.client.wishlist.addWishlistItem({ body: { variantId: product.variants[0]!.id } });
    expect((await budi.client.wishlist.listWishlistItems({ query: {} })).items).toEqual([]);
    await expectProblem(budi.client.wishlist.removeWishlistItem({ params: { itemId: item.id } }), 404, 'WISHLIST_ITEM_NOT_FOUND');
    expect((await ani.client.wishlist.listWishlistItems({ query: {} })).items.map((entry) => entry.id)).toEqual([item.id]);
  });

  test('refuses anonymous callers, unknown variants and a full list, storing nothing', async () => {
    const anonymous = await server.app.inject({ method: 'GET', url: '/wishlist/items' });
    expect(anonymous.statusCode).toBe(401);
    const { client } = await signUp(server);
    await expectProblem(client.wishlist.addWishlistItem({ body: { variantId: `var_${'0'.repeat(26)}` } }), 404, 'WISHLIST_VARIANT_NOT_FOUND');
    await expectProblem(client.wishlist.addWishlistItem({ body: { variantId: 'prod_x' } }), 400, 'VALIDATION_FAILED');
    const { product: one } = await stockedProduct(server);
    const { product: two } = await stockedProduct(server);
    for (const variant of [...one.variants, two.variants[0]!]) await client.wishlist.addWishlistItem({ body: { variantId: variant.id } });
    await expectProblem(client.wishlist.addWishlistItem({ body: { variantId: two.variants[1]!.id } }), 409, 'WISHLIST_FULL');
    expect((await client.wishlist.listWishlistItems({ query: {} })).items).toHaveLength(3);
  });

  test('concurrent adds never pass the limit, and one variant added 10 times at once is one item', async () => {
    const { client } = await signUp(server);
    const products = await Promise.all([stockedProduct(server), stockedProduct(server), stockedProduct(server)]);
    const variants = products.flatMap(({ product }) => product.variants.map((variant) => variant.id));
    const outcomes = await Promise.allSettled(variants.map((variantId) => client.wishlist.addWishlistItem({ body: { variantId } })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    for (const outcome of outcomes.filter((entry) => entry.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'WISHLIST_FULL' });
    }

    const other = await signUp(server);
    const same = products[0]!.product.variants[0]!.id;
    const items = await Promise.all(Array.from({ length: 10 }, () => other.client.wishlist.addWishlistItem({ body: { variantId: same } })));
    expect(new Set(items.map((item) => item.id)).size).toBe(1);
    expect((await other.client.wishlist.listWishlistItems({ query: {} })).items).toHaveLength(1);
  });
});
