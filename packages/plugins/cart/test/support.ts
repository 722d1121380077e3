import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import type { CartComponents, InventoryComponents, TokoBapakClient } from '@tokobapak/sdk';
import { type Clock, newId } from '@tokobapak/server';
import { createTestServer, storeSession, type TestServer } from '@tokobapak/server/testing';
import { type CartPluginOptions, cartPlugin } from '../src/index.js';

export type Cart = CartComponents['schemas']['Cart'];
type ProductInput = InventoryComponents['schemas']['ProductInput'];

/** A test server with inventory and cart (sessions are signed directly, so no auth service is needed). */
export async function startServer(options: { clock?: Clock; cart?: CartPluginOptions; promotion?: boolean } = {}): Promise<TestServer> {
  return createTestServer({
    plugins: [inventoryPlugin(), cartPlugin(options.cart), ...(options.promotion ? [promotionPlugin({ sweepIntervalSeconds: 3600 })] : [])],
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

let counter = 0;

/** A product of one variant in a store of its own (or the one given); answers its variant id. */
export async function variantOf(
  server: TestServer,
  {
    price,
    stock,
    currency = 'IDR',
    storeId = newId('sto'),
    status = 'active',
    categories = ['umum'],
  }: { price: number; stock: number; currency?: string; storeId?: string; status?: ProductInput['status']; categories?: string[] },
): Promise<{ variantId: string; productId: string; storeId: string; merchant: TokoBapakClient }> {
  counter += 1;
  const handle = `barang-${Date.now().toString(36)}-${counter}`;
  const merchant = storeSession(server, storeId);
  const product = await merchant.inventory.createProduct({
    body: {
      title: `Barang ${counter}`,
      handle,
      categories,
      variants: [{ sku: handle.toUpperCase(), price: { amount: price, currency }, weight: 250, stockOnHand: stock }],
      status,
    },
  });
  return { variantId: product.variants[0]?.id as string, productId: product.id, storeId, merchant };
}

/** `{ 'X-Cart-Token': token }`, the header a guest sends. */
export const tokenHeader = (token: string | null) => ({ 'X-Cart-Token': token ?? '' });

/** The lines of a cart, flattened across stores. */
export const linesOf = (cart: Cart) => cart.stores.flatMap((store) => store.lines);
