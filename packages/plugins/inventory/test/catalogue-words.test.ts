import type { TestServer } from '@tokobapak/server/testing';
import { storeSession } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, newStoreId, type Schemas, simpleProduct, startServer } from './support.js';

// Searches of several words rank by the sum of each word's one-word rank, and read the products
// whose title holds every word first (catalogue-words.ts). These tests pin the best matches of a
// few queries, and check every page of every two- and three-word query against that ranking
// computed over all matches in SQL.
let server: TestServer & { merchant: MerchantEvents };
const pinnedStore = newStoreId();
const generatedStore = newStoreId();
const longTitlesStore = newStoreId();

const PINNED: Array<[string, string, string[]]> = [
  ['Kopi Gayo Premium', 'Biji pilihan', ['kopi']],
  ['Kopi Gayo', 'Arabika dari Aceh', ['kopi']],
  ['Bubuk Kopi Toraja', 'Rasanya mirip kopi Gayo', ['kopi']],
  ['Teh Gayo', 'Teman minum kopi', ['teh']],
  ['Gula Aren', 'Cocok untuk kopi susu dari Gayo', ['bumbu']],
  ['Kopi Susu', 'Dengan susu segar dari Gayo', ['kopi']],
  ['Teh Melati', 'Wangi', ['teh']],
];

const WORDS = ['kopi', 'teh', 'gayo', 'toraja', 'premium', 'asli', 'bubuk', 'susu', 'gula', 'aren'];

/** A deterministic catalogue where many titles share words and many words sit only in descriptions. */
function generated(): Schemas['ProductInput'][] {
  let state = 7;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  return Array.from({ length: 60 }, (_, i) => {
    const title = Array.from({ length: 2 + next(2) }, () => WORDS[next(WORDS.length)] as string).join(' ');
    const description = Array.from({ length: next(6) }, () => WORDS[next(WORDS.length)] as string).join(' ');
    return simpleProduct(`${title} ${i}`, 10_000 + i, 5, { description, categories: [['kopi', 'teh', 'bumbu'][i % 3] as string] });
  });
}

beforeAll(async () => {
  server = await startServer();
  const pinned = storeSession(server, pinnedStore);
  for (const [title, description, categories] of PINNED)
    await pinned.inventory.createProduct({ body: simpleProduct(title, 10_000, 5, { description, categories }) });
  const merchant = storeSession(server, generatedStore);
  for (const input of generated()) await merchant.inventory.createProduct({ body: input });
  // Titles of 9 and 10 words, for searches longer than the title tier writes out one term per word.
  const long = storeSession(server, longTitlesStore);
  for (let i = 0; i < 8; i++) {
    const words = [...WORDS.slice(i % WORDS.length), ...WORDS.slice(0, i % WORDS.length)].slice(0, 9 + (i % 2));
    await long.inventory.createProduct({ body: simpleProduct(`${words.join(' ')} ${i}`, 10_000 + i, 5, { description: WORDS.slice(0, i).join(' ') }) });
  }
}, 180_000);
afterAll(async () => {
  await server?.close();
});

/** Every page of a search, `limit` at a time, following the cursors. */
async function search(store: string, q: string, limit: number): Promise<Schemas['Product'][]> {
  const items: Schemas['Product'][] = [];
  for await (const item of server.client().inventory.listProducts.iterate({ query: { store, q, limit } })) items.push(item);
  return items;
}

/** The ranking over every match, in SQL: products with every word, by the sum of the words' one-word ranks, then newest. */
async function ranked(store: string, q: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select p.id from inventory.products p
    where p.store_id = ${store} and p.status = 'active' and p.search @@ websearch_to_tsquery('simple', ${q})
    order by (select sum(t.rank) from inventory.product_search_terms t
              where t.product_id = p.id and t.lexeme = any(tsvector_to_array(to_tsvector('simple', ${q})))) desc, p.id desc`.execute(server.database.db);
  return rows.map((row) => row.id);
}

const titles = (products: Schemas['Product'][]) => products.map((product) => product.title);

describe('multi-word search', () => {
  test('the best matches come first: every word in the title, then in the title and elsewhere, then anywhere', async () => {
    const pinned: Record<string, string[]> = {};
    for (const q of ['kopi gayo', 'gayo kopi', 'KOPI  Gayo', 'kopi gayo premium', 'teh gayo', 'kopi susu', 'gula aren', 'teh wangi', 'aren toraja']) {
      pinned[q] = titles(await search(pinnedStore, q, 2));
    }
    const bestForKopiGayo = ['Kopi Gayo', 'Kopi Gayo Premium', 'Bubuk Kopi Toraja', 'Kopi Susu', 'Teh Gayo', 'Gula Aren'];
    expect(pinned).toEqual({
      // Both words in the title first (equal ranks: newest first), then one word in the title and
      // category and the other in the description, then one word in the title only, then neither.
      'kopi gayo': bestForKopiGayo,
      'gayo kopi': bestForKopiGayo,
      'KOPI  Gayo': bestForKopiGayo,
      'kopi gayo premium': ['Kopi Gayo Premium'],
      'teh gayo': ['Teh Gayo'],
      'kopi susu': ['Kopi Susu', 'Gula Aren'],
      'gula aren': ['Gula Aren'],
      'teh wangi': ['Teh Melati'],
      'aren toraja': [],
    });
  });

  test('every page of every two- and three-word query follows the ranking over all matches, without repeats or gaps', async () => {
    const queries = WORDS.flatMap((a, i) => WORDS.slice(i + 1).map((b) => `${a} ${b}`));
    queries.push('kopi gayo premium', 'teh susu gula', 'asli bubuk kopi');
    let matched = 0;
    for (const q of queries) {
      const expected = await ranked(generatedStore, q);
      for (const limit of [1, 3])
        expect(
          (await search(generatedStore, q, limit)).map((product) => product.id),
          `${q}, ${limit} a page`,
        ).toEqual(expected);
      matched += expected.length;
    }
    expect(matched).toBeGreaterThan(100);
    // About 500 pages on one embedded connection: minutes when the machine is shared.
  }, 180_000);

  test('searches of up to 8 words and of more rank the same way (the tier spells out one rank term per word up to 8)', async () => {
    const queries = [WORDS.slice(0, 8), WORDS.slice(0, 9), WORDS.slice(1, 10), WORDS.slice(0, 10), [...WORDS.slice(0, 9)].reverse()].map((words) =>
      words.join(' '),
    );
    const sizes: number[] = [];
    for (const q of queries) {
      const expected = await ranked(longTitlesStore, q);
      sizes.push(expected.length);
      for (const limit of [1, 2])
        expect(
          (await search(longTitlesStore, q, limit)).map((product) => product.id),
          `${q}, ${limit} a page`,
        ).toEqual(expected);
    }
    expect(sizes.every((size) => size > 0)).toBe(true);
  });
});
