import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, storeSession } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, productInput, type Schemas, simpleProduct, startServer } from './support.js';

let server: TestServer & { merchant: MerchantEvents };

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

function rows(): Array<Record<string, unknown>> {
  const good = [simpleProduct('Rendang', 120_000, 4), productInput(), simpleProduct('Dodol', 20_000, 0)];
  const bad = { ...simpleProduct('Rusak', 10_000, 1), variants: [{ sku: 'RUSAK-1', price: { amount: -5, currency: 'IDR' }, weight: 100, stockOnHand: 1 }] };
  return [good[0], good[1], bad, good[2]] as Array<Record<string, unknown>>;
}

describe('bulk import', () => {
  test('all-or-nothing: one bad row writes nothing and is reported precisely', async () => {
    const merchant = storeSession(server);
    const problem = await expectProblem(merchant.inventory.importProducts({ body: { rows: rows() } }), 422, 'INVENTORY_IMPORT_REJECTED');
    expect(problem.errors).toEqual([{ pointer: '#/rows/2/variants/0/price/amount', message: 'must be >= 0' }]);
    expect((await merchant.inventory.listStoreProducts()).items).toEqual([]);
  });

  test('a row that conflicts with the store rolls back the rows written before it', async () => {
    const merchant = storeSession(server);
    const existing = await merchant.inventory.createProduct({ body: simpleProduct('Lama', 1_000, 1) });
    const clash = simpleProduct('Baru', 2_000, 1, {
      variants: [{ sku: existing.variants[0]?.sku as string, price: { amount: 2_000, currency: 'IDR' }, weight: 1, stockOnHand: 1 }],
    });
    const problem = await expectProblem(
      merchant.inventory.importProducts({ body: { rows: [simpleProduct('Pertama', 5_000, 1), clash] as never } }),
      422,
      'INVENTORY_IMPORT_REJECTED',
    );
    expect(problem.errors?.[0]?.pointer).toBe('#/rows/1/variants/0/sku');
    expect((await merchant.inventory.listStoreProducts()).items.map((p) => p.id)).toEqual([existing.id]);
  });

  test('valid-only imports the rest; a second import upserts by handle', async () => {
    const merchant = storeSession(server);
    const batch = rows();
    const result = await merchant.inventory.importProducts({ body: { rows: batch, mode: 'valid-only' } });
    expect(result).toEqual({
      created: 3,
      updated: 0,
      rejected: [{ index: 2, handle: batch[2]?.handle, errors: [{ pointer: '/variants/0/price/amount', message: 'must be >= 0' }] }],
    });
    const products = (await merchant.inventory.listStoreProducts()).items;
    expect(products.map((p) => p.title).sort()).toEqual(['Dodol', 'Kopi Gayo', 'Rendang']);
    expect(products.find((p) => p.title === 'Dodol')?.soldOut).toBe(true);

    const changed = { ...(batch[0] as Schemas['ProductInput']), title: 'Rendang Padang' };
    const again = await merchant.inventory.importProducts({ body: { rows: [changed, { handle: 'x' }] as never, mode: 'valid-only' } });
    expect(again.created).toBe(0);
    expect(again.updated).toBe(1);
    expect(again.rejected).toEqual([
      {
        index: 1,
        handle: 'x',
        errors: [
          { pointer: '/title', message: 'is required' },
          { pointer: '/variants', message: 'is required' },
        ],
      },
    ]);
    expect((await merchant.inventory.listStoreProducts()).items.map((p) => p.title).sort()).toEqual(['Dodol', 'Kopi Gayo', 'Rendang Padang']);
  });

  test('duplicate handles and SKUs within one file are row errors', async () => {
    const merchant = storeSession(server);
    const one = simpleProduct('Satu', 1_000, 1);
    const problem = await expectProblem(
      merchant.inventory.importProducts({ body: { rows: [one, { ...one, title: 'Dua' }] as never } }),
      422,
      'INVENTORY_IMPORT_REJECTED',
    );
    expect(problem.errors).toEqual([
      { pointer: '#/rows/1/handle', message: 'row 0 has the same handle' },
      { pointer: '#/rows/1/variants/0/sku', message: 'row 0 has the same SKU' },
    ]);
  });

  test('an export imported again changes nothing', async () => {
    const merchant = storeSession(server);
    await merchant.inventory.importProducts({ body: { rows: [productInput(), simpleProduct('Teh', 8_000, 2), simpleProduct('Gula', 9_000, 3)] as never } });
    const exported: Schemas['ProductInput'][] = [];
    for await (const row of merchant.inventory.exportProducts.iterate({ query: { limit: 2 } })) exported.push(row);
    expect(exported).toHaveLength(3);
    const before = (await merchant.inventory.listStoreProducts()).items;
    expect(await merchant.inventory.importProducts({ body: { rows: exported } })).toEqual({ created: 0, updated: 3, rejected: [] });
    const after = (await merchant.inventory.listStoreProducts()).items;
    expect(after.map(({ updatedAt: _u, ...rest }) => rest)).toEqual(before.map(({ updatedAt: _u, ...rest }) => rest));
  });
});
