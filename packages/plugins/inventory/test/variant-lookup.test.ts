import { newId } from '@tokobapak/server';
import type { TestServer } from '@tokobapak/server/testing';
import { eventually, serviceClient, storeSession } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, newStoreId, productInput, simpleProduct, startServer } from './support.js';

let server: TestServer & { merchant: MerchantEvents };

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('getVariants', () => {
  test('many variants of several stores in one call, in the order asked, with what a cart needs', async () => {
    const storeA = newStoreId();
    const storeB = newStoreId();
    const kopi = await storeSession(server, storeA).inventory.createProduct({ body: productInput({}, [10, 0]) });
    const sambal = await storeSession(server, storeB).inventory.createProduct({ body: simpleProduct('Sambal', 45000, 3, { categories: ['bumbu'] }) });
    const ids = [sambal.variants[0]?.id as string, kopi.variants[1]?.id as string, kopi.variants[0]?.id as string];
    const result = await server.client().inventory.getVariants({ body: { ids: [...ids, ids[0] as string] } });
    expect(result.missingIds).toEqual([]);
    expect(result.items.map((item) => item.variantId)).toEqual(ids);
    expect(result.items[0]).toEqual({
      variantId: ids[0],
      productId: sambal.id,
      storeId: storeB,
      productTitle: 'Sambal',
      productHandle: sambal.handle,
      variantTitle: null,
      sku: sambal.variants[0]?.sku,
      optionValues: {},
      price: { amount: 45000, currency: 'IDR' },
      weight: 100,
      available: 3,
      soldOut: false,
      purchasable: true,
      categories: ['bumbu'],
      imageId: null,
    });
    expect(result.items[1]).toMatchObject({
      storeId: storeA,
      available: 0,
      soldOut: true,
      purchasable: true,
      imageId: kopi.imageIds[0],
      categories: ['kopi', 'minuman'],
    });
  });

  test('unknown ids and draft products are reported, not failed; archived products and suspended stores are not purchasable', async () => {
    const store = newStoreId();
    const suspendedStore = newStoreId();
    const session = storeSession(server, store);
    const draft = await session.inventory.createProduct({ body: simpleProduct('Draft', 1000, 5, { status: 'draft' }) });
    const archived = await session.inventory.createProduct({ body: simpleProduct('Archived', 1000, 5) });
    await session.inventory.archiveProduct({ params: { productId: archived.id } });
    const elsewhere = await storeSession(server, suspendedStore).inventory.createProduct({ body: simpleProduct('Elsewhere', 1000, 5) });
    await server.merchant.publish('merchant.store-suspended', suspendedStore);
    const unknown = newId('var');
    const ids = [unknown, draft.variants[0]?.id as string, archived.variants[0]?.id as string, elsewhere.variants[0]?.id as string];
    // Store events reach inventory asynchronously.
    const result = await eventually(async () => {
      const answer = await serviceClient(server, 'cart').inventory.getVariants({ body: { ids } });
      expect(answer.items.every((item) => !item.purchasable)).toBe(true);
      return answer;
    });
    expect(result.missingIds).toEqual([unknown, draft.variants[0]?.id]);
    expect(result.items.map((item) => [item.productTitle, item.purchasable, item.available])).toEqual([
      ['Archived', false, 0],
      ['Elsewhere', false, 0],
    ]);
  });

  test('bad input is a 400, not a 500; 100 ids is the most', async () => {
    for (const body of [{ ids: [] }, { ids: ['nope'] }, { ids: Array.from({ length: 101 }, () => newId('var')) }, { ids: 'x' }]) {
      const response = await server.app.inject({ method: 'POST', url: '/inventory/variants/lookup', payload: body });
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    const hundred = Array.from({ length: 100 }, () => newId('var'));
    expect((await server.client().inventory.getVariants({ body: { ids: hundred } })).missingIds).toEqual(hundred);
  });
});
