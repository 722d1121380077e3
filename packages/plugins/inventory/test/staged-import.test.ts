import type { TestServer } from '@tokobapak/server/testing';
import { eventually, expectProblem, type ManualClock, manualClock, outboxEvents, storeSession } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IMPORT_TTL_MS } from '../src/staged-imports.js';
import { type MerchantEvents, newStoreId, type Schemas, simpleProduct, startServer, unique } from './support.js';

let server: TestServer & { merchant: MerchantEvents };
let clock: ManualClock;

beforeAll(async () => {
  clock = manualClock();
  server = await startServer({ clock, inventory: { sweepIntervalSeconds: 0.1 } });
});
afterAll(async () => {
  await server?.close();
});

function products(count: number, stem = unique('massal')): Schemas['ProductInput'][] {
  return Array.from({ length: count }, (_, i) => simpleProduct(`Barang ${i}`, 1_000 + i, i % 3, { handle: `${stem}-${i}` }));
}

async function handles(merchant: ReturnType<typeof storeSession>): Promise<string[]> {
  const out: string[] = [];
  for await (const product of merchant.inventory.listStoreProducts.iterate({ query: { limit: 100 } })) out.push(product.handle);
  return out.sort();
}

describe('staged imports', () => {
  test('rows staged in batches are committed together; a bad row names its index in the whole import', async () => {
    const merchant = storeSession(server);
    const rows = products(6);
    const bad = { ...rows[4], variants: [{ sku: 'NEG-1', price: { amount: -5, currency: 'IDR' }, weight: 1, stockOnHand: 1 }] };
    const created = await merchant.inventory.createProductImport();
    expect(created).toMatchObject({ status: 'open', rows: 0, rejected: 0, result: null });
    expect(created.importId).toMatch(/^imp_[0-9a-z]{26}$/);
    expect(new Date(created.expiresAt).getTime() - new Date(created.createdAt).getTime()).toBe(IMPORT_TTL_MS);
    const importId = created.importId;

    expect(await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: rows.slice(0, 3), offset: 0 } })).toEqual({
      received: 3,
      rejected: [],
    });
    expect(await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: [rows[3], bad, rows[5]] as never, offset: 3 } })).toEqual({
      received: 3,
      rejected: [{ index: 4, handle: bad.handle, errors: [{ pointer: '/variants/0/price/amount', message: 'must be >= 0' }] }],
    });
    expect(await merchant.inventory.getProductImport({ params: { importId } })).toMatchObject({ status: 'open', rows: 6, rejected: 1 });

    const problem = await expectProblem(
      merchant.inventory.commitProductImport({ params: { importId }, body: { mode: 'all-or-nothing' } }),
      422,
      'INVENTORY_IMPORT_REJECTED',
    );
    expect(problem.errors).toEqual([{ pointer: '#/rows/4/variants/0/price/amount', message: 'must be >= 0' }]);
    expect(await handles(merchant)).toEqual([]);

    // The import stayed open: the same rows can be committed keeping the good ones.
    const result = await merchant.inventory.commitProductImport({ params: { importId }, body: { mode: 'valid-only' } });
    expect(result).toEqual({
      created: 5,
      updated: 0,
      rejected: [{ index: 4, handle: bad.handle, errors: [{ pointer: '/variants/0/price/amount', message: 'must be >= 0' }] }],
    });
    expect(await handles(merchant)).toEqual(
      rows
        .filter((_, i) => i !== 4)
        .map((row) => row.handle)
        .sort(),
    );

    // A lost answer can be retried: the same result, nothing written twice.
    expect(await merchant.inventory.commitProductImport({ params: { importId }, body: { mode: 'valid-only' } })).toEqual(result);
    expect(await merchant.inventory.getProductImport({ params: { importId } })).toMatchObject({ status: 'committed', rows: 0, result });
    await expectProblem(
      merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: products(1), offset: 6 } }),
      409,
      'INVENTORY_IMPORT_NOT_OPEN',
    );
  });

  test('a SKU only the database knows is taken rolls the whole import back, naming the row', async () => {
    const merchant = storeSession(server);
    const existing = await merchant.inventory.createProduct({ body: simpleProduct('Sudah Ada', 5_000, 2) });
    const rows = products(2500);
    const clash = rows[1700] as Schemas['ProductInput'];
    clash.variants = [{ ...(clash.variants[0] as Schemas['ProductInput']['variants'][number]), sku: existing.variants[0]?.sku as string }];
    const { importId } = await merchant.inventory.createProductImport();
    for (let offset = 0; offset < rows.length; offset += 1000) {
      const batch = await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: rows.slice(offset, offset + 1000), offset } });
      expect(batch.rejected).toEqual([]);
    }
    const problem = await expectProblem(merchant.inventory.commitProductImport({ params: { importId }, body: {} }), 422, 'INVENTORY_IMPORT_REJECTED');
    expect(problem.errors).toEqual([
      { pointer: '#/rows/1700/variants/0/sku', message: `another product of this store has the SKU "${existing.variants[0]?.sku}"` },
    ]);
    expect(await handles(merchant)).toEqual([existing.handle]);

    await merchant.inventory.abandonProductImport({ params: { importId } });
    await expectProblem(merchant.inventory.getProductImport({ params: { importId } }), 404, 'INVENTORY_IMPORT_NOT_FOUND');
    const left = await sql<{ n: string }>`select count(*) as n from inventory.import_rows where import_id = ${importId}`.execute(server.database.db);
    expect(Number(left.rows[0]?.n)).toBe(0);
  });

  test('duplicates across batches are found at the commit; a SKU one row gives up another row may take', async () => {
    const merchant = storeSession(server);
    const old = await merchant.inventory.createProduct({ body: simpleProduct('Lama', 1_000, 1) });
    const sku = old.variants[0]?.sku as string;
    const renamed = simpleProduct('Lama', 1_000, 1, {
      handle: old.handle,
      variants: [{ sku: `${sku}-BARU`, price: { amount: 1_000, currency: 'IDR' }, weight: 1, stockOnHand: 1 }],
    });
    const taker = simpleProduct('Pengambil', 2_000, 1, { variants: [{ sku, price: { amount: 2_000, currency: 'IDR' }, weight: 1, stockOnHand: 1 }] });
    const twin = simpleProduct('Kembar', 3_000, 1);
    const { importId } = await merchant.inventory.createProductImport();
    await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: [taker, twin], offset: 0 } });
    await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: [renamed, { ...twin, title: 'Kembar Dua' }], offset: 2 } });
    const problem = await expectProblem(merchant.inventory.commitProductImport({ params: { importId }, body: {} }), 422, 'INVENTORY_IMPORT_REJECTED');
    expect(problem.errors).toEqual([
      { pointer: '#/rows/3/handle', message: 'row 1 has the same handle' },
      { pointer: '#/rows/3/variants/0/sku', message: 'row 1 has the same SKU' },
    ]);
    // Row 3 sent again without the clash replaces it.
    await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: [simpleProduct('Lain', 4_000, 0)], offset: 3 } });
    expect(await merchant.inventory.commitProductImport({ params: { importId }, body: {} })).toEqual({ created: 3, updated: 1, rejected: [] });
    const after = await merchant.inventory.listStoreProducts({ query: { limit: 100 } });
    expect(after.items.find((product) => product.handle === taker.handle)?.variants.map((variant) => variant.sku)).toEqual([sku]);
    expect(after.items.find((product) => product.id === old.id)?.variants.map((variant) => variant.sku)).toEqual([`${sku}-BARU`]);
    expect(after.items.find((product) => product.title === 'Lain')?.soldOut).toBe(true);
  });

  test('imports expire after 24 hours and are swept with their rows', async () => {
    const storeId = newStoreId();
    const { importId } = await storeSession(server, storeId).inventory.createProductImport();
    await storeSession(server, storeId).inventory.addProductImportRows({ params: { importId }, body: { rows: products(3), offset: 0 } });
    clock.advance(IMPORT_TTL_MS + 1000);
    // A new session: the first one's access token expired with the import.
    await expectProblem(storeSession(server, storeId).inventory.commitProductImport({ params: { importId }, body: {} }), 404, 'INVENTORY_IMPORT_NOT_FOUND');
    await eventually(async () => {
      const left = await sql<{
        n: string;
      }>`select (select count(*) from inventory.imports where id = ${importId}) + (select count(*) from inventory.import_rows where import_id = ${importId}) as n`.execute(
        server.database.db,
      );
      expect(Number(left.rows[0]?.n)).toBe(0);
    });
  });

  test('10,000 single-variant products commit in one transaction', async () => {
    const merchant = storeSession(server);
    const rows = products(10_000);
    const { importId } = await merchant.inventory.createProductImport();
    for (let offset = 0; offset < rows.length; offset += 1000) {
      await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: rows.slice(offset, offset + 1000), offset } });
    }
    const started = performance.now();
    const result = await merchant.inventory.commitProductImport({ params: { importId }, body: {} });
    const elapsed = performance.now() - started;
    console.info(`[staged import] commit of 10,000 products on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}: ${Math.round(elapsed)} ms`);
    expect(result).toEqual({ created: 10_000, updated: 0, rejected: [] });

    // Importing some of the same rows again only updates them.
    const again = await merchant.inventory.importProducts({ body: { rows: rows.slice(0, 3), mode: 'valid-only' } });
    expect(again).toEqual({ created: 0, updated: 3, rejected: [] });
    const created = await outboxEvents(server, ['inventory.product-created']);
    expect(created.length).toBeGreaterThanOrEqual(10_000);
    const soldOut = await outboxEvents(server, ['inventory.product-sold-out']);
    expect(soldOut.length).toBeGreaterThanOrEqual(Math.ceil(10_000 / 3));
  }, 120_000);
});
