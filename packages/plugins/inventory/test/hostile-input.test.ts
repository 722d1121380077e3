import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, storeSession } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, simpleProduct, startServer, unique } from './support.js';

// Issue 8, items 4, 5 and 6: text no database holds, integers beyond bigint and tampered cursors
// were 500s in the catalogue, product writes and imports. Each is now a 400 naming the field (or,
// in an import, a rejection of the one row).
let server: TestServer & { merchant: MerchantEvents };
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

async function get(url: string): Promise<{ statusCode: number; problem: { code?: string; errors?: Array<{ pointer: string; message: string }> } }> {
  const response = await server.app.inject({ method: 'GET', url });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return { statusCode: response.statusCode, problem: response.json() };
}

const cursor = (after: unknown) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
const PRODUCT = `prod_${'0'.repeat(26)}`;

describe('the public catalogue', () => {
  test.each([
    ['q', 'teh%00manis', '#query/q'],
    ['category', 'minuman%00', '#query/category'],
  ])('a NUL in %s is a 400 naming it', async (_name, value, pointer) => {
    const { statusCode, problem } = await get(`/inventory/products?${_name}=${value}`);
    expect(statusCode).toBe(400);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ pointer, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }]);
  });

  test.each(['9223372036854775808', '10000000000000000000', '1e300'])('a price filter of %s is a 400 naming it', async (amount) => {
    for (const name of ['minPrice', 'maxPrice']) {
      const { statusCode, problem } = await get(`/inventory/products?currency=IDR&${name}=${amount}`);
      expect(statusCode).toBe(400);
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors?.[0]?.pointer).toBe(`#query/${name}`);
    }
  });

  test.each([
    ['price_asc', 1.5],
    ['price_desc', 1e30],
    ['price_asc', -1e300],
    ['title', 'teh\u0000manis'],
    ['title', 'teh\uD800'],
  ])('a %s cursor whose key is %s is a 400', async (sort, key) => {
    const { statusCode, problem } = await get(`/inventory/products?sort=${sort}&cursor=${cursor(JSON.stringify([sort, key, PRODUCT]))}`);
    expect(statusCode).toBe(400);
    expect(problem.errors?.[0]?.pointer).toBe('#query/cursor');
  });

  test('a cursor whose key is not text at all is a 400', async () => {
    for (const after of ['\u0000', '\uD800']) {
      const { statusCode } = await get(`/inventory/products?cursor=${cursor(after)}`);
      expect(statusCode).toBe(400);
    }
  });
});

describe('product writes', () => {
  test.each([
    ['a NUL in the title', { title: 'Teh\u0000Manis' }, '#/title'],
    ['a lone surrogate in a category', { categories: ['minuman\uDC00'] }, '#/categories/0'],
    ['a lone surrogate in the description', { description: '\uD83D' }, '#/description'],
  ])('%s is a 400 naming the field', async (_label, change, pointer) => {
    const merchant = storeSession(server);
    const problem = await expectProblem(merchant.inventory.createProduct({ body: { ...simpleProduct('Teh', 5_000, 1), ...change } }), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({ pointer, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' });
  });

  test.each([2 ** 63, 1e19, 1e300])('a price of %s is a 400 naming it', async (amount) => {
    const merchant = storeSession(server);
    const product = simpleProduct('Teh', 5_000, 1);
    const variant = { ...product.variants[0], price: { amount, currency: 'IDR' } } as (typeof product.variants)[0];
    const problem = await expectProblem(merchant.inventory.createProduct({ body: { ...product, variants: [variant] } }), 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => error.pointer)).toContain('#/variants/0/price/amount');
  });

  test('the largest price JavaScript holds exactly is stored and read back', async () => {
    const merchant = storeSession(server);
    const product = simpleProduct('Emas', Number.MAX_SAFE_INTEGER, 1);
    const created = await merchant.inventory.createProduct({ body: product });
    expect(created.variants[0]?.price.amount).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('imports', () => {
  test('a row with a NUL or a lone surrogate is rejected on its own, naming the field; the others are staged', async () => {
    const merchant = storeSession(server);
    const stem = unique('hostile');
    const good = simpleProduct('Kopi', 7_000, 2, { handle: `${stem}-0` });
    const nul = simpleProduct('Kopi\u0000Susu', 7_000, 2, { handle: `${stem}-1` });
    const surrogate = { ...simpleProduct('Kopi', 7_000, 2), handle: `${stem}-\uD800` };
    const { importId } = await merchant.inventory.createProductImport();
    const staged = await merchant.inventory.addProductImportRows({ params: { importId }, body: { rows: [good, nul, surrogate], offset: 0 } });
    expect(staged).toEqual({
      received: 3,
      rejected: [
        { index: 1, handle: `${stem}-1`, errors: [{ pointer: '/title', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }] },
        { index: 2, handle: null, errors: [{ pointer: '/handle', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }] },
      ],
    });
    const result = await merchant.inventory.commitProductImport({ params: { importId }, body: { mode: 'valid-only' } });
    expect(result).toMatchObject({ created: 1, rejected: [{ index: 1 }, { index: 2 }] });
  });

  test('a one-request import in valid-only mode writes the good rows and rejects the bad one', async () => {
    const merchant = storeSession(server);
    const stem = unique('hostile');
    const rows = [simpleProduct('Gula', 3_000, 2, { handle: `${stem}-0` }), simpleProduct('Gula', 3_000, 2, { handle: `${stem}-1`, categories: ['\u0000'] })];
    const result = await merchant.inventory.importProducts({ body: { rows, mode: 'valid-only' } });
    expect(result).toEqual({
      created: 1,
      updated: 0,
      rejected: [
        { index: 1, handle: `${stem}-1`, errors: [{ pointer: '/categories/0', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }] },
      ],
    });
  });
});
