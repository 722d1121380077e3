import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, customerSession, expectProblem, serviceClient, signUp, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { wishlistPlugin } from '../src/index.js';
import { stockedProduct } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      inventoryPlugin(),
      cartPlugin(),
      wishlistPlugin({ priceCheckIntervalMs: 60_000 }),
    ],
  });
});
afterAll(async () => {
  await server?.close();
});

describe('moving a wished item to the cart', () => {
  test('the line goes into the customer’s own cart (created if none) and the item leaves the list; again raises the line', async () => {
    const { client } = await signUp(server);
    const { product } = await stockedProduct(server, [10, 5]);
    const small = product.variants[0]!;
    const item = await client.wishlist.addWishlistItem({ body: { variantId: small.id } });
    const moved = await client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: { quantity: 2 } });
    expect(moved).toEqual({ cartId: expect.stringMatching(/^crt_/), itemId: item.id, variantId: small.id, quantity: 2 });
    expect((await client.wishlist.listWishlistItems({ query: {} })).items).toEqual([]);
    const cart = await client.cart.createCart({ body: {} });
    expect(cart.id).toBe(moved.cartId);
    expect(cart.stores.flatMap((store) => store.lines).map((line) => [line.variantId, line.quantity, line.unitPrice.amount])).toEqual([[small.id, 2, 85000]]);

    const again = await client.wishlist.addWishlistItem({ body: { variantId: small.id } });
    const second = await client.wishlist.moveWishlistItemToCart({ params: { itemId: again.id }, body: {} });
    expect(second).toMatchObject({ cartId: moved.cartId, quantity: 1 });
    const after = await client.cart.getCart({ params: { cartId: moved.cartId }, headers: {} });
    expect(after.stores.flatMap((store) => store.lines).map((line) => line.quantity)).toEqual([3]);
  });

  test('the cart’s refusal comes back with its own code and the wishlist stays exactly as it was', async () => {
    const { client } = await signUp(server);
    const { product } = await stockedProduct(server, [3, 0]);
    const [small, soldOut] = product.variants;
    const kept = await client.wishlist.addWishlistItem({ body: { variantId: small!.id } });
    const gone = await client.wishlist.addWishlistItem({ body: { variantId: soldOut!.id } });
    const before = await client.wishlist.listWishlistItems({ query: {} });

    await expectProblem(client.wishlist.moveWishlistItemToCart({ params: { itemId: gone.id }, body: {} }), 409, 'CART_INSUFFICIENT_STOCK');
    await expectProblem(client.wishlist.moveWishlistItemToCart({ params: { itemId: kept.id }, body: { quantity: 4 } }), 409, 'CART_INSUFFICIENT_STOCK');
    expect(await client.wishlist.listWishlistItems({ query: {} })).toEqual(before);

    expect((await client.cart.createCart({ body: {} })).stores).toEqual([]);

    // A customer whose open cart is in another currency: the IDR variant is refused.
    const abroad = await signUp(server);
    await abroad.client.cart.createCart({ body: { currency: 'USD' } });
    const wish = await abroad.client.wishlist.addWishlistItem({ body: { variantId: small!.id } });
    const list = await abroad.client.wishlist.listWishlistItems({ query: {} });
    await expectProblem(abroad.client.wishlist.moveWishlistItemToCart({ params: { itemId: wish.id }, body: {} }), 422, 'CART_CURRENCY_MISMATCH');
    expect(await abroad.client.wishlist.listWishlistItems({ query: {} })).toEqual(list);
  });

  test('another customer’s item is a 404 and reaches no cart; five moves of one item at once add it once', async () => {
    const owner = await signUp(server);
    const other = await signUp(server);
    const { product } = await stockedProduct(server, [10, 5]);
    const item = await owner.client.wishlist.addWishlistItem({ body: { variantId: product.variants[0]!.id } });
    await expectProblem(other.client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: {} }), 404, 'WISHLIST_ITEM_NOT_FOUND');
    expect((await other.client.cart.createCart({ body: {} })).stores).toEqual([]);

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => owner.client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: {} })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 404, code: 'WISHLIST_ITEM_NOT_FOUND' });
    const cart = await owner.client.cart.createCart({ body: {} });
    expect(cart.stores.flatMap((store) => store.lines).map((line) => line.quantity)).toEqual([1]);
  });

  test('a move that crashed after the cart took the line keeps the wish; moving it again adds nothing and takes it off', async () => {
    const { client, user } = await signUp(server);
    const userId = user.id;
    const { product } = await stockedProduct(server, [10, 5]);
    const variant = product.variants[0]!;
    const item = await client.wishlist.addWishlistItem({ body: { variantId: variant.id } });
    // What a move leaves behind when its server dies between the two steps: the cart has the line
    // under the item's reference, and the item is still on the list.
    const wishlist = serviceClient(server, 'wishlist');
    const added = await wishlist.cart.addCustomerCartLine({ params: { customerId: userId }, body: { variantId: variant.id, quantity: 2, reference: item.id } });
    expect((await client.wishlist.listWishlistItems({ query: {} })).items.map((wish) => wish.id)).toEqual([item.id]);

    const moved = await client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: { quantity: 2 } });
    expect(moved).toEqual({ cartId: added.id, itemId: item.id, variantId: variant.id, quantity: 2 });
    expect((await client.wishlist.listWishlistItems({ query: {} })).items).toEqual([]);
    const cart = await client.cart.getCart({ params: { cartId: added.id }, headers: {} });
    expect(cart.stores.flatMap((store) => store.lines).map((line) => [line.variantId, line.quantity])).toEqual([[variant.id, 2]]);
  });

  test('the cart adds a line once per reference, also for ten requests at once, and checks nothing on a repeat', async () => {
    const { client, user } = await signUp(server);
    const userId = user.id;
    const { product } = await stockedProduct(server, [10, 5]);
    const variant = product.variants[0]!;
    const wishlist = serviceClient(server, 'wishlist');
    const body = { variantId: variant.id, quantity: 1, reference: 'wsh_once' };
    const results = await Promise.all(Array.from({ length: 10 }, () => wishlist.cart.addCustomerCartLine({ params: { customerId: userId }, body })));
    expect(new Set(results.map((cart) => cart.id)).size).toBe(1);
    const lines = async () => (await client.cart.createCart({ body: {} })).stores.flatMap((store) => store.lines).map((line) => line.quantity);
    expect(await lines()).toEqual([1]);
    // A repeat is answered before the checks: even a quantity no stock allows adds nothing and is not refused.
    await wishlist.cart.addCustomerCartLine({ params: { customerId: userId }, body: { ...body, quantity: 10000 } });
    expect(await lines()).toEqual([1]);
    // A new reference adds again; another customer's same reference is their own.
    await wishlist.cart.addCustomerCartLine({ params: { customerId: userId }, body: { ...body, reference: 'wsh_twice' } });
    expect(await lines()).toEqual([2]);
    const other = await signUp(server);
    await wishlist.cart.addCustomerCartLine({ params: { customerId: other.user.id }, body });
    expect((await other.client.cart.createCart({ body: {} })).stores.flatMap((store) => store.lines).map((line) => line.quantity)).toEqual([1]);
  });

  test('the cart takes a customer’s line only from the wishlist service: another service or a customer gets 403', async () => {
    const customer = customerSession(server);
    const { product } = await stockedProduct(server);
    const request = { params: { customerId: `usr_${'0'.repeat(26)}` }, body: { variantId: product.variants[0]!.id, quantity: 1, reference: 'wsh_test' } };
    await expectProblem(serviceClient(server, 'order').cart.addCustomerCartLine(request), 403, 'FORBIDDEN');
    await expect(customer.cart.addCustomerCartLine(request)).rejects.toMatchObject({ status: 403 });
    await expect(server.client().cart.addCustomerCartLine(request)).rejects.toMatchObject({ status: 401 });
  });
});
