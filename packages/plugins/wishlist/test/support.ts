import { authPlugin } from '@tokobapak/plugin-auth';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { userPlugin } from '@tokobapak/plugin-user';
import type { InventoryComponents, TokoBapakClient } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, storeSession, type TestServer } from '@tokobapak/server/testing';
import { productInput } from '../../inventory/test/support.js';
import { type WishlistPluginOptions, wishlistPlugin } from '../src/index.js';

type ProductInput = InventoryComponents['schemas']['ProductInput'];

/** A server with auth, user, inventory and wishlist on a fresh database (a fast price-check job by default). */
export function startServer(options: WishlistPluginOptions = {}): Promise<TestServer> {
  return createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      inventoryPlugin(),
      wishlistPlugin({ priceCheckIntervalMs: 100, ...options }),
    ],
  });
}

/** A store session and a product of two variants (IDR 85,000 and 300,000) with the given stock: inventory's own test product. */
export async function stockedProduct(
  server: TestServer,
  stock: [number, number] = [10, 5],
): Promise<{ merchant: TokoBapakClient; product: InventoryComponents['schemas']['Product']; input: ProductInput }> {
  const input = productInput({ categories: ['kopi'], imageIds: [] }, stock);
  const merchant = storeSession(server, newId('sto'));
  const product = await merchant.inventory.createProduct({ body: input });
  return { merchant, product, input };
}
