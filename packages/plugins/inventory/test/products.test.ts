import { newId } from '@tokobapak/server';
import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, outboxEvents, storeSession } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, newStoreId, productInput, type Schemas, startServer, unique } from './support.js';

let server: TestServer & { merchant: MerchantEvents };

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe("a merchant's product lifecycle", () => {
  test('create, read, list, update, restock, archive', async () => {
    const storeId = newStoreId();
    const merchant = storeSession(server, storeId);
    const input = productInput({ status: 'draft' });

    const created = await merchant.inventory.createProduct({ body: input });
    expect(created.id).toMatch(/^prod_[0-9a-z]{26}$/);
    expect(created).toMatchObject({
      storeId,
      handle: input.handle,
      title: 'Kopi Gayo',
      status: 'draft',
      soldOut: false,
      categories: ['kopi', 'minuman'],
      options: input.options,
      fromPrice: { amount: 85000, currency: 'IDR' },
    });
    expect(created.variants.map((v) => [v.sku, v.stockOnHand, v.reserved, v.available, v.soldOut, v.title])).toEqual([
      [input.variants[0]?.sku, 10, 0, 10, false, null],
      [input.variants[1]?.sku, 5, 0, 5, false, null],
    ]);
    expect(created.variants[0]?.id).toMatch(/^var_[0-9a-z]{26}$/);
    expect(await merchant.inventory.getStoreProduct({ params: { productId: created.id } })).toEqual(created);

    // A draft is the store's own business.
    const shopper = server.client();
    await expectProblem(shopper.inventory.getProduct({ params: { productId: created.id } }), 404, 'INVENTORY_PRODUCT_NOT_FOUND');

    const activated = await merchant.inventory.updateProduct({ params: { productId: created.id }, body: { status: 'active', title: 'Kopi Gayo Wine' } });
    expect(activated).toMatchObject({ status: 'active', title: 'Kopi Gayo Wine', variants: created.variants });
    expect(await shopper.inventory.getProduct({ params: { productId: created.id } })).toEqual(activated);
    expect(await shopper.inventory.getProductByHandle({ params: { storeId, handle: input.handle } })).toEqual(activated);

    // Replacing the variants: one kept (by SKU, with a new price), one removed, one added.
    const [small] = input.variants as [Schemas['VariantInput'], Schemas['VariantInput']];
    const replaced = await merchant.inventory.updateProduct({
      params: { productId: created.id },
      body: {
        options: [{ name: 'Ukuran', values: ['250 g', '500 g'] }],
        variants: [
          { ...small, price: { amount: 80000, currency: 'IDR' } },
          {
            sku: `${input.handle}-500`.toUpperCase(),
            optionValues: { Ukuran: '500 g' },
            price: { amount: 150000, currency: 'IDR' },
            weight: 510,
            stockOnHand: 0,
          },
        ],
      },
    });
    expect(replaced.variants.map((v) => [v.sku, v.price.amount, v.available])).toEqual([
      [small.sku, 80000, 10],
      [`${input.handle}-500`.toUpperCase(), 150000, 0],
    ]);
    expect(replaced.variants[0]?.id).toBe(created.variants[0]?.id);
    expect(replaced.fromPrice).toEqual({ amount: 80000, currency: 'IDR' });

    const restocked = await merchant.inventory.setVariantStock({ params: { variantId: replaced.variants[1]?.id as string }, body: { stockOnHand: 7 } });
    expect(restocked).toMatchObject({ stockOnHand: 7, available: 7, soldOut: false });

    const listed = await merchant.inventory.listStoreProducts();
    expect(listed.items.map((p) => p.id)).toEqual([created.id]);

    const archived = await merchant.inventory.archiveProduct({ params: { productId: created.id } });
    expect(archived.status).toBe('archived');
    expect(await merchant.inventory.archiveProduct({ params: { productId: created.id } })).toEqual(archived);
    await expectProblem(shopper.inventory.getProduct({ params: { productId: created.id } }), 404, 'INVENTORY_PRODUCT_NOT_FOUND');
    expect((await merchant.inventory.listStoreProducts({ query: { status: 'archived' } })).items.map((p) => p.id)).toEqual([created.id]);
    expect((await merchant.inventory.listStoreProducts({ query: { status: 'active' } })).items).toEqual([]);

    const events = await outboxEvents(server, ['inventory.product-created', 'inventory.product-updated', 'inventory.product-archived']);
    expect(events.filter((event) => event.data.productId === created.id).map((event) => event.type)).toEqual([
      'inventory.product-created',
      'inventory.product-updated',
      'inventory.product-updated',
      'inventory.product-archived',
    ]);
  });

  test('a retried create with the same idempotency key makes one product', async () => {
    const merchant = storeSession(server);
    const input = productInput();
    const first = await merchant.inventory.createProduct({ body: input, idempotencyKey: 'create-once' });
    const again = await merchant.inventory.createProduct({ body: input, idempotencyKey: 'create-once' });
    expect(again.id).toBe(first.id);
    expect((await merchant.inventory.listStoreProducts()).items).toHaveLength(1);
  });

  test('an idempotency key belongs to one store: the same key and body in a second store of the same person create a second product', async () => {
    const userId = newId('usr');
    const inStoreA = storeSession(server, newStoreId(), 'owner', userId);
    const inStoreB = storeSession(server, newStoreId(), 'owner', userId);
    const input = productInput();
    const first = await inStoreA.inventory.createProduct({ body: input, idempotencyKey: 'same-key-two-stores' });
    const second = await inStoreB.inventory.createProduct({ body: input, idempotencyKey: 'same-key-two-stores' });
    expect(second.id).not.toBe(first.id);
    expect((await inStoreB.inventory.listStoreProducts()).items.map((product) => product.id)).toEqual([second.id]);
  });

  test('handles and SKUs are unique per store, not across stores', async () => {
    const input = productInput();
    const storeA = storeSession(server);
    await storeA.inventory.createProduct({ body: input });
    await expectProblem(
      storeA.inventory.createProduct({ body: { ...input, variants: [{ ...(input.variants[0] as Schemas['VariantInput']), sku: unique('OTHER') }] } }),
      409,
      'INVENTORY_HANDLE_TAKEN',
    );
    const problem = await expectProblem(storeA.inventory.createProduct({ body: { ...input, handle: unique('lain') } }), 409, 'INVENTORY_SKU_TAKEN');
    expect(problem.errors?.map((error) => error.pointer)).toEqual(['#/variants/0/sku', '#/variants/1/sku']);
    // Another store may use both.
    await storeSession(server).inventory.createProduct({ body: input });
  });

  test('inconsistent products are refused with a pointer to each problem', async () => {
    const merchant = storeSession(server);
    const input = productInput();
    const [a, b] = input.variants as [Schemas['VariantInput'], Schemas['VariantInput']];
    const problem = await expectProblem(
      merchant.inventory.createProduct({
        body: {
          ...input,
          variants: [
            { ...a, optionValues: { Ukuran: '2 kg' } },
            { ...b, sku: a.sku, price: { amount: 1, currency: 'USD' }, optionValues: { Warna: 'merah', Ukuran: '1 kg' } },
          ],
        },
      }),
      400,
      'INVENTORY_INVALID_PRODUCT',
    );
    expect(problem.errors?.map((error) => error.pointer)).toEqual([
      '#/variants/0/optionValues/Ukuran',
      '#/variants/1/sku',
      '#/variants/1/price/currency',
      '#/variants/1/optionValues/Warna',
    ]);
    await expectProblem(merchant.inventory.createProduct({ body: { ...input, variants: [] } }), 400, 'VALIDATION_FAILED');
  });

  test('merchant operations need a store context', async () => {
    const { accessToken } = await (async () => {
      const client = server.client();
      const email = `${unique('pembeli')}@example.com`;
      await client.user.register({ body: { email, password: 'kopi-susu-gula-aren-77', name: 'Ani' } });
      return client.auth.login({ body: { email, password: 'kopi-susu-gula-aren-77' } });
    })();
    const customer = server.client({ accessToken });
    await expectProblem(customer.inventory.listStoreProducts(), 403, 'STORE_CONTEXT_REQUIRED');
  });
});
