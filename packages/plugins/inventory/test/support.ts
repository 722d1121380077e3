import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import type { InventoryComponents } from '@tokobapak/sdk';
import { type Clock, newId, type Plugin } from '@tokobapak/server';
import { contextPlugin, createTestServer, type TestServer } from '@tokobapak/server/testing';
import { type InventoryPluginOptions, inventoryPlugin } from '../src/index.js';

export type Schemas = InventoryComponents['schemas'];

/**
 * Stands in for the merchant service, which is built separately: publishes its store events
 * through the real outbox, exactly as the merchant plugin will.
 */
export interface MerchantEvents {
  plugin: Plugin;
  publish(type: 'merchant.store-suspended' | 'merchant.store-reinstated', storeId: string): Promise<void>;
}

/** A plugin with no operations whose only job is to publish merchant events in tests. */
export function merchantEvents(): MerchantEvents {
  const stand = contextPlugin('fakemerchant', 'Publishes merchant events in tests');
  return {
    plugin: stand.plugin,
    async publish(type, storeId) {
      await stand.context().transaction((tx) => tx.publish({ type, subject: storeId, data: { storeId } }));
    },
  };
}

/** A test server with auth, user and inventory, plus the merchant stand-in. */
export async function startServer(options: { clock?: Clock; inventory?: InventoryPluginOptions } = {}): Promise<TestServer & { merchant: MerchantEvents }> {
  const merchant = merchantEvents();
  const server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      inventoryPlugin(options.inventory),
      merchant.plugin,
    ],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(process.env.INVENTORY_TEST_LOG ? { logLevel: 'error' } : {}),
  });
  return Object.assign(server, { merchant });
}

/** A new store id (the merchant service's ids are opaque to inventory). */
export function newStoreId(): string {
  return newId('sto');
}

let counter = 0;

/** A unique handle/SKU stem for this file run. */
export function unique(prefix = 'produk'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A valid product input: one option (Ukuran) with two variants, IDR prices. */
export function productInput(overrides: Partial<Schemas['ProductInput']> = {}, stock: [number, number] = [10, 5]): Schemas['ProductInput'] {
  const handle = overrides.handle ?? unique('kopi');
  return {
    title: 'Kopi Gayo',
    handle,
    description: 'Kopi arabika dari dataran tinggi Gayo, Aceh.',
    categories: ['kopi', 'minuman'],
    imageIds: [newId('img')],
    options: [{ name: 'Ukuran', values: ['250 g', '1 kg'] }],
    variants: [
      { sku: `${handle}-250`.toUpperCase(), optionValues: { Ukuran: '250 g' }, price: { amount: 85000, currency: 'IDR' }, weight: 260, stockOnHand: stock[0] },
      {
        sku: `${handle}-1000`.toUpperCase(),
        optionValues: { Ukuran: '1 kg' },
        price: { amount: 300000, currency: 'IDR' },
        weight: 1020,
        stockOnHand: stock[1],
      },
    ],
    status: 'active',
    ...overrides,
  };
}

/** A one-variant product. */
export function simpleProduct(title: string, price: number, stock: number, extra: Partial<Schemas['ProductInput']> = {}): Schemas['ProductInput'] {
  const handle = extra.handle ?? unique('barang');
  return {
    title,
    handle,
    categories: [],
    variants: [{ sku: handle.toUpperCase(), price: { amount: price, currency: 'IDR' }, weight: 100, stockOnHand: stock }],
    status: 'active',
    ...extra,
  };
}
