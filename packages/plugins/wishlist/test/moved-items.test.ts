import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, eventually, expectProblem, manualClock, serviceClient, signUp, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { wishlistPlugin } from '../src/index.js';
import { stockedProduct } from './support.js';

// A move whose request died after the cart took the line, and that nobody retries: the cart's
// `cart.line-referenced` tells the wishlist, whose `drop-moved-items` job takes the wish off once a
// move in flight would have done it itself. Under a manual clock, so the job runs when told; it is
// set past the grace from now, as the events' times are the wall clock's.

const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), inventoryPlugin(), cartPlugin(), wishlistPlugin()],
    clock,
  });
});
afterAll(async () => {
  await server?.close();
});

/** Whether the wishlist has heard from the cart that this item's line is in (read from its table: no API shows it). */
const noted = async (itemId: string) =>
  (await sql<{ item_id: string }>`select item_id from wishlist.moved_items where item_id = ${itemId}`.execute(server.database.db)).rows.length > 0;

describe('a move that died after the cart took the line', () => {
  test('the wish leaves the list by itself once the move had time to take it off; the line stays, once', async () => {
    const { client, user } = await signUp(server);
    const { product } = await stockedProduct(server, [10, 5]);
    const [moved, kept] = product.variants;
    const item = await client.wishlist.addWishlistItem({ body: { variantId: moved!.id } });
    const other = await client.wishlist.addWishlistItem({ body: { variantId: kept!.id } });
    // What the move leaves behind when its server dies between the two steps (set up through the cart's own operation).
    const cart = await serviceClient(server, 'wishlist').cart.addCustomerCartLine({
      params: { customerId: user.id },
      body: { variantId: moved!.id, quantity: 2, reference: item.id },
    });
    const listed = async () => (await client.wishlist.listWishlistItems({ query: {} })).items.map((wish) => wish.id).sort();

    // The cart's event arrives; within the grace a move in flight may still take the wish off itself.
    await eventually(async () => expect(await noted(item.id)).toBe(true));
    await server.jobs.tick();
    expect(await listed()).toEqual([item.id, other.id].sort());

    clock.set(new Date(Date.now() + 61_000));
    await eventually(async () => {
      await server.jobs.tick();
      expect(await listed()).toEqual([other.id]);
    });
    expect(await noted(item.id)).toBe(false);
    const after = await client.cart.getCart({ params: { cartId: cart.id }, headers: {} });
    expect(after.stores.flatMap((store) => store.lines).map((line) => [line.variantId, line.quantity])).toEqual([[moved!.id, 2]]);
    // The move is done: moving it again finds nothing, and the other wish was never touched.
    await expectProblem(client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: {} }), 404, 'WISHLIST_ITEM_NOT_FOUND');
    clock.set(new Date(Date.now() + 61_000));
    await server.jobs.tick();
    expect(await listed()).toEqual([other.id]);
  });

  test('a move that completes answers as always, and the event that follows drops nothing else', async () => {
    const { client } = await signUp(server);
    const { product } = await stockedProduct(server, [10, 5]);
    const [first, second] = product.variants;
    const item = await client.wishlist.addWishlistItem({ body: { variantId: first!.id } });
    const stays = await client.wishlist.addWishlistItem({ body: { variantId: second!.id } });
    const moved = await client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: {} });
    expect(moved).toMatchObject({ itemId: item.id, quantity: 1 });
    clock.set(new Date(Date.now() + 61_000));
    await server.jobs.tick();
    // The event found the item gone already and noted nothing; the job drops nothing.
    expect(await noted(item.id)).toBe(false);
    expect((await client.wishlist.listWishlistItems({ query: {} })).items.map((wish) => wish.id)).toEqual([stays.id]);
  });
});
