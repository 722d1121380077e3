import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, expectProblem, type SteeredRemote, signUp, startSteeredRemote, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { wishlistPlugin } from '../src/index.js';
import { stockedProduct } from './support.js';

// The cart prices a moved item's line before it writes anything, as it does a shopper's own add:
// while the promotion service (deployed elsewhere) cannot price the cart, a move answers 503 and
// leaves everything as it was (no line, no stored reference, the wish still listed), so the
// shopper's retry moves it once.

let remote: SteeredRemote;
let server: TestServer;

beforeAll(async () => {
  remote = await startSteeredRemote({ currency: 'IDR', discount: 0, shippingDiscount: 0, lines: [], stores: [], applied: [], rejectedCodes: [] });
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      inventoryPlugin(),
      cartPlugin(),
      wishlistPlugin({ priceCheckIntervalMs: 60_000 }),
    ],
    remoteServices: { promotion: remote.url },
  });
});
afterAll(async () => {
  await server?.close();
  await remote?.close();
});

describe('a move the cart cannot price', () => {
  for (const failure of ['reset', 'fail'] as const) {
    test(`(${failure === 'reset' ? 'the connection closes unanswered' : 'it answers 503'}) changes nothing, and the move made again is made once`, async () => {
      const { client, user } = await signUp(server);
      const { product } = await stockedProduct(server, [10, 5]);
      const variant = product.variants[0]!;
      const item = await client.wishlist.addWishlistItem({ body: { variantId: variant.id } });
      const listed = await client.wishlist.listWishlistItems({ query: {} });

      remote.behaviour = failure;
      const asked = remote.calls;
      // The cart's 503 (CART_PROMOTIONS_UNAVAILABLE) reaches the shopper as the platform passes on a failed call's 5xx.
      await expectProblem(client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: { quantity: 2 } }), 503, 'SERVICE_UNAVAILABLE');
      expect(remote.calls).toBeGreaterThan(asked);
      remote.behaviour = 'up';

      expect(await client.wishlist.listWishlistItems({ query: {} })).toEqual(listed);
      const cart = await client.cart.createCart({ body: {} });
      expect(cart.stores).toEqual([]);
      // No reference was stored, so no `cart.line-referenced` either (both go with the line).
      const references = await sql<{ reference: string }>`select reference from cart.line_references where customer_id = ${user.id}`.execute(
        server.database.db,
      );
      expect(references.rows).toEqual([]);

      const moved = await client.wishlist.moveWishlistItemToCart({ params: { itemId: item.id }, body: { quantity: 2 } });
      expect(moved).toEqual({ cartId: cart.id, itemId: item.id, variantId: variant.id, quantity: 2 });
      expect((await client.wishlist.listWishlistItems({ query: {} })).items).toEqual([]);
      const after = await client.cart.getCart({ params: { cartId: cart.id }, headers: {} });
      expect(after.stores.flatMap((store) => store.lines).map((line) => [line.variantId, line.quantity])).toEqual([[variant.id, 2]]);
    });
  }
});
