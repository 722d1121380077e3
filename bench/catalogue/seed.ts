/**
 * Seeds the catalogue through the HTTP API, as a merchant would: register an owner, open a store,
 * start a store session, then import the products — the staged import
 * (`createProductImport` → `addProductImportRows` × n → `commitProductImport`) when the server has
 * it, else `importProducts` in batches of 1,000.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient, type StoredTokens, type TokenStore, TokoBapakError } from '@tokobapak/sdk';
import type { GeneratedProduct } from './generate.js';

const noTokenStore: TokenStore = { get: (): StoredTokens | undefined => undefined, set: () => {} };

export interface SeededStore {
  storeId: string;
  /** Access token of the owner's store session (lives `accessTokenTtl`, 3,600 s in the bench). */
  storeToken: string;
}

export interface SeedTimings {
  products: number;
  variants: number;
  batchSize: number;
  method: 'staged-import' | 'importProducts' | 'reused';
  /** Owner, store and store session. */
  accountSeconds: number;
  /** Staging every batch (staged import) or every importProducts call. */
  rowsSeconds: number;
  /** The staged import's commit (0 for importProducts). */
  commitSeconds: number;
  totalSeconds: number;
  batchSeconds: number[];
}

export async function seedStore(baseUrl: string): Promise<SeededStore> {
  const anonymous = createClient({ baseUrl, tokenStore: noTokenStore, autoRefresh: false });
  const run = randomBytes(3).toString('hex');
  const email = `pemilik-${run}@example.com`;
  const password = `Rahasia-${randomBytes(8).toString('hex')}-9!`;
  await anonymous.user.register({ body: { email, password, name: 'Pemilik Toko Bench' } });
  const pair = await anonymous.auth.login({ body: { email, password } });
  const owner = createClient({ baseUrl, tokenStore: noTokenStore, autoRefresh: false, accessToken: pair.accessToken });
  const store = await owner.merchant.createStore({ body: { name: 'Toko Bench Katalog', handle: `toko-bench-${run}` } });
  const session = await owner.auth.selectStore({ body: { storeId: store.id } });
  return { storeId: store.id, storeToken: session.accessToken };
}

export async function importCatalogue(
  baseUrl: string,
  store: SeededStore,
  products: GeneratedProduct[],
  batchSize = 1_000,
): Promise<Omit<SeedTimings, 'accountSeconds' | 'totalSeconds'>> {
  const client = createClient({ baseUrl, tokenStore: noTokenStore, autoRefresh: false, accessToken: store.storeToken });
  const batches: GeneratedProduct[][] = [];
  for (let i = 0; i < products.length; i += batchSize) batches.push(products.slice(i, i + batchSize));
  const variants = products.reduce((sum, product) => sum + product.variants.length, 0);
  const batchSeconds: number[] = [];

  let importId: string | undefined;
  try {
    importId = (await client.inventory.createProductImport({})).importId;
  } catch (error) {
    // A server built before staged imports: 404 (no such route).
    if (!(error instanceof TokoBapakError && error.status === 404)) throw error;
  }

  const rowsStarted = performance.now();
  if (importId) {
    for (const [index, rows] of batches.entries()) {
      const started = performance.now();
      const result = await client.inventory.addProductImportRows({
        params: { importId },
        body: { rows: rows as unknown as Array<Record<string, unknown>>, offset: index * batchSize },
      });
      if (result.rejected.length > 0) throw new Error(`seed: ${result.rejected.length} rows rejected, first: ${JSON.stringify(result.rejected[0])}`);
      batchSeconds.push((performance.now() - started) / 1000);
    }
    const rowsSeconds = (performance.now() - rowsStarted) / 1000;
    const commitStarted = performance.now();
    const result = await client.inventory.commitProductImport({ params: { importId }, body: { mode: 'all-or-nothing' } });
    if (result.created !== products.length) throw new Error(`seed: commit created ${result.created} of ${products.length}`);
    return {
      products: products.length,
      variants,
      batchSize,
      method: 'staged-import',
      rowsSeconds,
      commitSeconds: (performance.now() - commitStarted) / 1000,
      batchSeconds,
    };
  }
  for (const rows of batches) {
    const started = performance.now();
    const result = await client.inventory.importProducts({ body: { rows: rows as unknown as Array<Record<string, unknown>>, mode: 'all-or-nothing' } });
    if (result.created !== rows.length) throw new Error(`seed: importProducts created ${result.created} of ${rows.length}`);
    batchSeconds.push((performance.now() - started) / 1000);
  }
  return {
    products: products.length,
    variants,
    batchSize,
    method: 'importProducts',
    rowsSeconds: (performance.now() - rowsStarted) / 1000,
    commitSeconds: 0,
    batchSeconds,
  };
}
