import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import { createClient } from '@tokobapak/sdk';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, tempDir } from './helpers.js';

// `tokobapak products` against a real server listening on a port, with a store-scoped API key.

let server: TestServer;
let url: string;
let apiKey: string;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  server = await createTestServer({
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin(), inventoryPlugin()],
  });
  url = await server.listen({ port: 0 });
  const client = server.client();
  const email = `penjual.${Date.now()}@example.com`;
  await client.user.register({ body: { email, password: 'kopi-susu-gula-aren-77', name: 'Budi' } });
  await client.auth.login({ body: { email, password: 'kopi-susu-gula-aren-77' } });
  // A real store and a key scoped to it: verification checks the holder's current membership.
  const store = await client.merchant.createStore({ body: { name: 'Toko Impor', handle: `toko-impor-${Date.now()}` } });
  const created = await client.auth.createApiKey({ body: { name: 'import script', scopes: ['products:read', 'products:write'], storeId: store.id } });
  apiKey = created.secret;
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const HEADER = 'handle,title,description,status,categories,option1_name,option1_value,sku,price,currency,weight,stock';
const GOOD = [
  'kopi-gayo,Kopi Gayo,Arabika dari Aceh,active,kopi;minuman,Ukuran,250 g,KG-250,85000,IDR,260,10',
  'kopi-gayo,,,,,,1 kg,KG-1000,300000,IDR,1020,5',
  'teh-melati,Teh Melati,,active,teh,,,TM-1,15000,IDR,100,20',
];
const BAD = 'gula-aren,Gula Aren,,active,bumbu,,,GA-1,lima ribu,IDR,500,3';

const env = () => ({ TOKOBAPAK_URL: url, TOKOBAPAK_API_KEY: apiKey });

async function storeProducts() {
  return (await createClient({ baseUrl: url, apiKey }).inventory.listStoreProducts()).items;
}

describe('tokobapak products', () => {
  test('import with a bad row imports nothing and names the row, the field and why', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, [HEADER, ...GOOD, BAD].join('\n'));
    const result = await run(['products', 'import', file, '--json'], { env: env() });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      file,
      products: 3,
      created: 0,
      updated: 0,
      imported: false,
      rejected: [{ row: 5, handle: 'gula-aren', field: 'price', message: 'must be a whole number in minor units (15000 for Rp15.000), got "lima ribu"' }],
    });
    expect(await storeProducts()).toEqual([]);

    const plain = await run(['products', 'import', file], { env: env() });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('row 5 (gula-aren) price: must be a whole number');
    expect(plain.stdout).toContain('Nothing was imported');
  });

  test('--valid-only imports the rest; the server reports what only it can know', async () => {
    const file = join(dir, 'valid-only.csv');
    await writeFile(file, [HEADER, ...GOOD, BAD].join('\n'));
    const result = await run(['products', 'import', file, '--valid-only', '--batch-size', '1', '--url', url, '--api-key', apiKey], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Batch 1/2: 1 of 2 products sent');
    expect(result.stdout).toContain('Committing 2 products…');
    expect(result.stdout).toContain(`${file}: 2 created, 0 updated, 1 rejected`);
    const products = await storeProducts();
    expect(products.map((product) => [product.handle, product.variants.map((variant) => variant.sku)])).toEqual([
      ['teh-melati', ['TM-1']],
      ['kopi-gayo', ['KG-250', 'KG-1000']],
    ]);

    // A SKU another product holds is only known to the server; it is mapped back to its line and column.
    const clash = join(dir, 'clash.csv');
    await writeFile(clash, [HEADER, 'teh-hijau,Teh Hijau,,active,teh,,,TM-1,16000,IDR,100,2'].join('\n'));
    const refused = await run(['products', 'import', clash, '--json'], { env: env() });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).rejected).toEqual([
      { row: 2, handle: 'teh-hijau', field: 'sku', message: 'another product of this store has the SKU "TM-1"' },
    ]);
  });

  test('export writes the import format, and importing it again only updates', async () => {
    const file = join(dir, 'export.csv');
    const result = await run(['products', 'export', '--output', file, '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ format: 'csv', products: 2, variants: 3, output: file });
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toBe(
      'handle,title,description,status,categories,image_ids,option1_name,option1_value,option2_name,option2_value,option3_name,option3_value,sku,variant_title,price,currency,weight,stock',
    );
    expect(text).toContain('kopi-gayo,Kopi Gayo,Arabika dari Aceh,active,kopi;minuman,,Ukuran,250 g,,,,,KG-250,,85000,IDR,260,10');

    const again = await run(['products', 'import', file, '--json'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 2, rejected: [] });

    const json = await run(['products', 'export', '--format', 'json'], { env: env() });
    expect(JSON.parse(json.stdout).map((row: { handle: string }) => row.handle)).toEqual(['kopi-gayo', 'teh-melati']);
  });

  test('without an API key or a session it says how to sign in', async () => {
    const result = await run(['products', 'export', '--json'], { env: { TOKOBAPAK_URL: url } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('CLI_CREDENTIALS_MISSING');
    expect(result.stderr).toContain('tokobapak login');
    expect(result.stderr).toContain('--api-key');
  });
});
