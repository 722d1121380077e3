import type { TestServer } from '@tokobapak/server/testing';
import { eventually, expectProblem, storeSession } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, newStoreId, type Schemas, simpleProduct, startServer } from './support.js';

let server: TestServer & { merchant: MerchantEvents };
const storeId = newStoreId();
let catalogue: Schemas['Product'][] = [];

const NAMES = ['Teh Melati', 'keripik Singkong', 'Rendang', 'Dodol Garut', 'bakpia', 'Teh Tarik', 'Sambal Matah', 'Kerupuk Udang', 'Abon Sapi', 'Bika Ambon'];
const CATEGORIES = ['teh', 'camilan', 'bumbu'];

// Thirty products with distinct prices, every fifth one sold out, none mentioning "kopi"; then
// three that do, in the title and category, in the category only, and in the description only.
function seed(): Schemas['ProductInput'][] {
  const products = Array.from({ length: 30 }, (_, i) =>
    simpleProduct(`${NAMES[i % NAMES.length]} ${String.fromCharCode(65 + i)}`, 10_000 + ((i * 7) % 30) * 1_000, i % 5 === 0 ? 0 : 10, {
      categories: [CATEGORIES[i % 3] as string],
      description: `Produk nomor ${i} dari Nusantara`,
    }),
  );
  products.push(simpleProduct('Kopi Gayo', 95_000, 10, { categories: ['kopi'], description: 'Arabika' }));
  products.push(simpleProduct('Bubuk Arabika', 65_000, 10, { categories: ['kopi'], description: 'Halus' }));
  products.push(simpleProduct('Gula Aren', 25_000, 10, { categories: ['bumbu'], description: 'Cocok untuk kopi susu' }));
  return products;
}

beforeAll(async () => {
  server = await startServer();
  const merchant = storeSession(server, storeId);
  for (const input of seed()) catalogue.push(await merchant.inventory.createProduct({ body: input }));
  // A draft and an archived product never show.
  await merchant.inventory.createProduct({ body: simpleProduct('Kopi Rahasia', 1_000, 10, { status: 'draft', categories: ['kopi'] }) });
  const archived = await merchant.inventory.createProduct({ body: simpleProduct('Kopi Lama', 1_000, 10, { categories: ['kopi'] }) });
  await merchant.inventory.archiveProduct({ params: { productId: archived.id } });
  catalogue = catalogue.map((product) => product);
});
afterAll(async () => {
  await server?.close();
});

async function all(
  query: Parameters<ReturnType<TestServer['client']>['inventory']['listProducts']>[0] extends infer A ? (A extends { query?: infer Q } ? Q : never) : never,
) {
  const items: Schemas['Product'][] = [];
  for await (const item of server.client().inventory.listProducts.iterate({ query: { store: storeId, limit: 7, ...query } })) items.push(item);
  return items;
}

const titles = (products: Schemas['Product'][]) => products.map((product) => product.title);
const byId = (a: Schemas['Product'], b: Schemas['Product']) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('the public catalogue', () => {
  test('newest first by default, only active products', async () => {
    const listed = await all({});
    expect(listed.map((product) => product.id)).toEqual(
      [...catalogue]
        .sort(byId)
        .reverse()
        .map((product) => product.id),
    );
  });

  test('full-text search ranks title over category over description', async () => {
    expect(titles(await all({ q: 'kopi' }))).toEqual(['Kopi Gayo', 'Bubuk Arabika', 'Gula Aren']);
    expect(titles(await all({ q: 'arabika' }))).toEqual(['Bubuk Arabika', 'Kopi Gayo']);
    expect(titles(await all({ q: 'kopi -gayo' })).sort()).toEqual(['Bubuk Arabika', 'Gula Aren']);
    expect(titles(await all({ q: 'kopi', sort: 'price_asc' }))).toEqual(['Gula Aren', 'Bubuk Arabika', 'Kopi Gayo']);
    expect(await all({ q: 'tidakada' })).toEqual([]);
  });

  test('a one-word search reads the precomputed relevance index and agrees with ranking every match', async () => {
    // `q=word` takes the one-word path (product_search_terms); `q="word"` parses to the same query
    // but is not plain letters, so it ranks every match. Same products, same order, across pages.
    const words = new Set(
      catalogue.flatMap((product) =>
        `${product.title} ${product.categories.join(' ')} ${product.description ?? ''}`
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter(Boolean),
      ),
    );
    expect(words.size).toBeGreaterThan(20);
    for (const word of words) {
      const indexed = (await all({ q: word, limit: 4 })).map((product) => product.id);
      const ranked = (await all({ q: `"${word}"`, limit: 4 })).map((product) => product.id);
      expect(indexed.length, word).toBeGreaterThan(0);
      expect(indexed, word).toEqual(ranked);
    }
  });

  test('the relevance index holds every lexeme with its exact rank, and one-word searches read it', async () => {
    const db = server.database.db;
    const drift = await sql<{ missing: number; wrong: number }>`
      select
        (select count(*)::int from inventory.products p, unnest(p.search) l
          where not exists (select 1 from inventory.product_search_terms t where t.product_id = p.id and t.lexeme = l.lexeme)) as missing,
        (select count(*)::int from inventory.product_search_terms t join inventory.products p on p.id = t.product_id
          where t.rank <> ts_rank(p.search, inventory.lexeme_query(t.lexeme))::float8) as wrong`.execute(db);
    expect(drift.rows[0]).toEqual({ missing: 0, wrong: 0 });
    // Take "arabika" out of Kopi Gayo's index rows by hand: the one-word path no longer finds it, the ranking path still does.
    const gayo = catalogue.find((product) => product.title === 'Kopi Gayo') as Schemas['Product'];
    await sql`delete from inventory.product_search_terms where product_id = ${gayo.id} and lexeme = 'arabika'`.execute(db);
    expect(titles(await all({ q: 'arabika' }))).toEqual(['Bubuk Arabika']);
    expect(titles(await all({ q: '"arabika"' }))).toEqual(['Bubuk Arabika', 'Kopi Gayo']);
    await sql`insert into inventory.product_search_terms (product_id, lexeme, rank)
      select id, 'arabika', ts_rank(search, inventory.lexeme_query('arabika'))::float8 from inventory.products where id = ${gayo.id}`.execute(db);
    expect(titles(await all({ q: 'arabika' }))).toEqual(['Bubuk Arabika', 'Kopi Gayo']);
  });

  test('the relevance and category indexes follow product changes', async () => {
    const merchant = storeSession(server, storeId);
    const product = await merchant.inventory.createProduct({ body: simpleProduct('Keripik Pisang', 12_000, 5) });
    expect(titles(await all({ q: 'durian' }))).toEqual([]);
    await merchant.inventory.updateProduct({ params: { productId: product.id }, body: { title: 'Keripik Durian' } });
    expect(titles(await all({ q: 'durian' }))).toEqual(['Keripik Durian']);
    expect(titles(await all({ q: 'pisang' }))).toEqual([]);
    // Categories too (product_categories): moving it to "buah" takes it out of "camilan".
    await merchant.inventory.updateProduct({ params: { productId: product.id }, body: { categories: ['camilan'] } });
    expect(titles(await all({ category: 'camilan', q: 'durian' }))).toEqual(['Keripik Durian']);
    await merchant.inventory.updateProduct({ params: { productId: product.id }, body: { categories: ['buah'] } });
    expect(titles(await all({ category: 'buah' }))).toEqual(['Keripik Durian']);
    expect(titles(await all({ category: 'camilan', q: 'durian' }))).toEqual([]);
    await merchant.inventory.archiveProduct({ params: { productId: product.id } });
    expect(titles(await all({ q: 'durian' }))).toEqual([]);
  });

  test('sorts by price and title, ties broken by id', async () => {
    const priceOf = (product: Schemas['Product']) => product.fromPrice.amount;
    const ascending = [...catalogue].sort((a, b) => priceOf(a) - priceOf(b) || byId(a, b));
    expect((await all({ sort: 'price_asc' })).map((p) => p.id)).toEqual(ascending.map((p) => p.id));
    const descending = [...catalogue].sort((a, b) => priceOf(b) - priceOf(a) || byId(b, a));
    expect((await all({ sort: 'price_desc' })).map((p) => p.id)).toEqual(descending.map((p) => p.id));
    const key = (product: Schemas['Product']) => product.title.toLowerCase();
    const alphabetical = [...catalogue].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : byId(a, b)));
    expect(titles(await all({ sort: 'title' }))).toEqual(titles(alphabetical));
  });

  test('filters combine', async () => {
    const teh = await all({ category: 'teh' });
    expect(teh).toHaveLength(10);
    expect(teh.every((product) => product.categories.includes('teh'))).toBe(true);

    const priced = await all({ minPrice: 20_000, maxPrice: 30_000, currency: 'IDR', sort: 'price_asc' });
    expect(priced.map((p) => p.fromPrice.amount)).toEqual(
      catalogue
        .map((p) => p.fromPrice.amount)
        .filter((amount) => amount >= 20_000 && amount <= 30_000)
        .sort((a, b) => a - b),
    );
    expect(await all({ minPrice: 0, currency: 'USD' })).toEqual([]);

    const inStock = await all({ inStock: true });
    expect(inStock).toHaveLength(27);
    const soldOut = await all({ inStock: false, category: 'teh' });
    expect(soldOut.map((p) => p.title).sort()).toEqual(['Teh Melati A', 'Teh Tarik P']);
    expect(soldOut[0]).toMatchObject({ soldOut: true, variants: [{ available: 0, soldOut: true }] });
    expect(inStock.every((product) => !product.soldOut && product.variants.some((variant) => variant.available > 0))).toBe(true);
  });

  test('paging never repeats or skips a product while others are added', async () => {
    const merchant = storeSession(server, storeId);
    for (const sort of ['price_asc', 'price_desc', 'title', 'newest'] as const) {
      const before = new Set((await all({ sort })).map((product) => product.id));
      const seen: string[] = [];
      let cursor: string | undefined;
      let added = 0;
      do {
        const page = await server.client().inventory.listProducts({ query: { store: storeId, sort, limit: 5, ...(cursor ? { cursor } : {}) } });
        seen.push(...page.items.map((product) => product.id));
        cursor = page.nextCursor ?? undefined;
        // Two new products per page, one at each end of the order.
        added += 1;
        await merchant.inventory.createProduct({ body: simpleProduct(`Aaa Baru ${sort} ${added}`, 1 + added, 5) });
        await merchant.inventory.createProduct({ body: simpleProduct(`Zzz Baru ${sort} ${added}`, 1_000_000 + added, 5) });
      } while (cursor);
      expect(new Set(seen).size, `${sort}: no repeats`).toBe(seen.length);
      for (const id of before) expect(seen, `${sort}: ${id} not skipped`).toContain(id);
    }
  });

  test('getProductByHandle and getProduct', async () => {
    const [first] = catalogue as [Schemas['Product']];
    const shopper = server.client();
    expect(await shopper.inventory.getProductByHandle({ params: { storeId, handle: first.handle } })).toMatchObject({ id: first.id });
    await expectProblem(shopper.inventory.getProductByHandle({ params: { storeId: newStoreId(), handle: first.handle } }), 404, 'INVENTORY_PRODUCT_NOT_FOUND');
  });

  test('bad listings are refused', async () => {
    const shopper = server.client();
    await expectProblem(shopper.inventory.listProducts({ query: { minPrice: 1 } }), 400, 'INVENTORY_CURRENCY_REQUIRED');
    await expectProblem(shopper.inventory.listProducts({ query: { sort: 'relevance' } }), 400, 'INVENTORY_QUERY_REQUIRED');
    const page = await shopper.inventory.listProducts({ query: { store: storeId, sort: 'price_asc', limit: 1 } });
    await expectProblem(shopper.inventory.listProducts({ query: { store: storeId, sort: 'title', cursor: page.nextCursor as string } }), 400, 'BAD_REQUEST');
  });

  test("a suspended store's products leave the catalogue until it is reinstated", async () => {
    const suspendedStore = newStoreId();
    const product = await storeSession(server, suspendedStore).inventory.createProduct({ body: simpleProduct('Batik Tulis', 750_000, 3) });
    const shopper = server.client();
    await server.merchant.publish('merchant.store-suspended', suspendedStore);
    await eventually(async () => expect((await shopper.inventory.listProducts({ query: { store: suspendedStore } })).items).toEqual([]));
    await expectProblem(shopper.inventory.getProduct({ params: { productId: product.id } }), 404, 'INVENTORY_PRODUCT_NOT_FOUND');
    // The store itself still sees it.
    expect((await storeSession(server, suspendedStore).inventory.getStoreProduct({ params: { productId: product.id } })).id).toBe(product.id);
    await server.merchant.publish('merchant.store-reinstated', suspendedStore);
    await eventually(async () => expect((await shopper.inventory.getProduct({ params: { productId: product.id } })).id).toBe(product.id));
  });
});
