import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import { createClient } from '@tokobapak/sdk';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI_BIN, CLI_BUILT } from './support/cli-process.js';

// `tokobapak products import` as a real process against a store listening on a port. Row numbers
// are what the CLI reports for a CSV: the line number in the file, the header being line 1, so the
// first product is row 2 (as a spreadsheet shows it).

const ROWS = 10_000;
/** The line of the file whose SKU only the server knows to be taken. */
const BAD_LINE = 7_531;
const HEADER = 'handle,title,status,sku,price,currency,weight,stock';

let server: TestServer;
let url: string;
let apiKey: string;
let storeId: string;
let takenSku: string;
let dir: string;

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin(), inventoryPlugin()],
  });
  url = await server.listen({ port: 0 });
  const owner = server.client();
  const email = 'pemilik@example.com';
  await owner.user.register({ body: { email, password: 'kopi-susu-gula-aren-77', name: 'Bu Sari' } });
  await owner.auth.login({ body: { email, password: 'kopi-susu-gula-aren-77' } });
  const created = await owner.merchant.createStore({ body: { name: 'Toko Sari', handle: 'toko-sari' } });
  const key = await owner.auth.createApiKey({ body: { name: 'import', storeId: created.id, scopes: ['products:read', 'products:write'] } });
  apiKey = key.secret;
  storeId = created.id;
  const existing = await createClient({ baseUrl: url, apiKey }).inventory.createProduct({
    body: {
      title: 'Sudah Ada',
      handle: 'sudah-ada',
      variants: [{ sku: 'SUDAH-ADA-1', price: { amount: 5_000, currency: 'IDR' }, weight: 100, stockOnHand: 3 }],
    },
  });
  takenSku = existing.variants[0]?.sku as string;
  dir = await mkdtemp(join(tmpdir(), 'tokobapak-import-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A CSV of {@link ROWS} one-variant products; `line` (the file's line number) gets `bad` as its SKU or price. */
async function csvFile(name: string, bad?: { line: number; sku?: string; price?: string }): Promise<string> {
  const lines = [HEADER];
  for (let i = 0; i < ROWS; i += 1) {
    const line = i + 2;
    const sku = bad?.line === line && bad.sku ? bad.sku : `MSL-${i}`;
    const price = bad?.line === line && bad.price ? bad.price : String(1_000 + i);
    lines.push(`massal-${i},Barang Massal ${i},active,${sku},${price},IDR,100,${i % 5}`);
  }
  const file = join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The store's product handles, read straight from the database (paging 10,000 products through the API is slow). */
async function storeHandles(): Promise<string[]> {
  const rows = await sql<{ handle: string }>`select handle from inventory.products where store_id = ${storeId} order by handle`.execute(server.database.db);
  return rows.rows.map((row) => row.handle);
}

// The first test imports the 10,000 rows twice (all-or-nothing, then valid-only): CPU-bound work for the
// CLI, the server and PGlite, ~15 s on an idle machine but 73 s (17 s + 56 s) with two test files at a
// time on a loaded 2-core machine, past the default 60 s.
describe.skipIf(!CLI_BUILT)(`products import of ${ROWS} CSV rows through the CLI process (needs ${CLI_BIN}; run pnpm build)`, { timeout: 240_000 }, () => {
  test('a row only the server can judge fails the whole file, named by its line and column; nothing is half-imported', async () => {
    const file = await csvFile('clash.csv', { line: BAD_LINE, sku: takenSku });
    const before = await storeHandles();
    let started = performance.now();
    const result = await cli(['products', 'import', file, '--url', url, '--api-key', apiKey, '--json']);
    console.info(`[products import] all-or-nothing run: ${Math.round(performance.now() - started)} ms`);
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toEqual({
      file,
      products: ROWS,
      created: 0,
      updated: 0,
      imported: false,
      rejected: [{ row: BAD_LINE, handle: `massal-${BAD_LINE - 2}`, field: 'sku', message: `another product of this store has the SKU "${takenSku}"` }],
    });
    expect(await storeHandles()).toEqual(before);

    started = performance.now();
    const partial = await cli(['products', 'import', file, '--url', url, '--api-key', apiKey, '--json', '--valid-only']);
    console.info(`[products import] valid-only run: ${Math.round(performance.now() - started)} ms`);
    expect(partial.code, partial.stderr).toBe(0);
    expect(JSON.parse(partial.stdout)).toMatchObject({
      products: ROWS,
      created: ROWS - 1,
      updated: 0,
      imported: true,
      rejected: [{ row: BAD_LINE, field: 'sku' }],
    });
    const after = await storeHandles();
    expect(after).toHaveLength(before.length + ROWS - 1);
    expect(after).not.toContain(`massal-${BAD_LINE - 2}`);
  });

  test('a row the CLI can judge itself is reported before anything is sent', async () => {
    const file = await csvFile('negative.csv', { line: 42, price: '-15000' });
    const before = await storeHandles();
    const result = await cli(['products', 'import', file, '--url', url, '--api-key', apiKey, '--json']);
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      file,
      products: ROWS,
      created: 0,
      updated: 0,
      imported: false,
      rejected: [{ row: 42, handle: 'massal-40', field: 'price', message: 'must not be negative, got -15000' }],
    });
    expect(await storeHandles()).toEqual(before);
    // No import was even started.
    const imports = await sql<{ n: string }>`select count(*) as n from inventory.imports where status = 'open'`.execute(server.database.db);
    expect(Number(imports.rows[0]?.n)).toBe(0);
  });
});
