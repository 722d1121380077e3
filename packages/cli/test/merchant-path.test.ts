import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoReady, startDemoStore } from './demo-store.js';
import { tempDir } from './helpers.js';

// A merchant's path from nothing to a product on sale, with the built CLI as a process, one
// command at a time: register → open a store → (act in it) → upload an image → create a product →
// publish it → see it in the public catalogue. Run `pnpm build` first, or this skips.
const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'packages/cli/dist/bin.js');
const built = existsSync(bin);
const exec = promisify(execFile);
const SECRET = 'a-platform-secret-of-at-least-thirty-two-characters';

describe.skipIf(!built)(`the merchant path through the CLI${built ? '' : ' (skipped: run pnpm build)'}`, () => {
  let demo: DemoReady & { stop(): Promise<void> };
  let home: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    demo = await startDemoStore({ TOKOBAPAK_SECRET: SECRET });
    home = await tempDir('tokobapak-merchant-');
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
    await home?.cleanup();
  });

  /** The CLI as a user runs it: a clean environment, the session in its own config folder. */
  async function cli(args: string[], env: Record<string, string> = {}) {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOKOBAPAK_') && name !== 'DATABASE_URL'));
    const result = await exec(process.execPath, [bin, ...args, '--json'], {
      cwd: home.dir,
      env: { ...base, TOKOBAPAK_CONFIG_DIR: join(home.dir, 'config'), TOKOBAPAK_URL: demo.url, ...env },
      timeout: 60_000,
    });
    return JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
  }

  test('register, open a store, upload, create a draft, publish, and find it in the catalogue', async () => {
    const email = `rina-${Date.now()}@example.com`;
    const registered = await cli(['register', '--email', email, '--full-name', 'Rina Wijaya'], { TOKOBAPAK_PASSWORD: 'sambal-matah-pedas-77' });
    expect(registered).toMatchObject({ email, name: 'Rina Wijaya', store: null });
    // The session is kept for later commands, readable by its owner only.
    expect(statSync(join(home.dir, 'config', 'session.json')).mode & 0o777).toBe(0o600);

    const handle = `toko-rina-${Date.now().toString(36)}`;
    const opened = await cli(['store', 'create', '--name', 'Toko Rina', '--handle', handle]);
    expect(opened.store.handle).toBe(handle);
    expect((await cli(['whoami'])).store).toMatchObject({ id: opened.store.id, handle });

    const file = join(home.dir, 'kopi.png');
    await writeFile(
      file,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#6f4e37' } })
        .png()
        .toBuffer(),
    );
    const { image } = await cli(['images', 'upload', file]);
    expect(image.id).toMatch(/^img_/);

    const created = await cli(['products', 'create', '--title', 'Kopi Rina 250 g', '--price', '65000', '--stock', '12', '--image-id', image.id]);
    expect(created).toMatchObject({ draft: true, product: { status: 'draft', handle: 'kopi-rina-250-g', imageIds: [image.id] } });
    const catalogue = async () => (await (await fetch(`${demo.url}/inventory/products?q=Rina&limit=10`)).json()) as { items: Array<{ id: string }> };
    expect((await catalogue()).items.map((item) => item.id)).not.toContain(created.product.id);

    const published = await cli(['products', 'publish', created.product.id]);
    expect(published.product.status).toBe('active');
    await expect.poll(async () => (await catalogue()).items.map((item) => item.id), { timeout: 10_000 }).toContain(created.product.id);

    // A key for scripts acts in the same store without the session.
    const key = await cli(['keys', 'create', 'nightly export']);
    expect(key.apiKey.storeId).toBe(opened.store.id);
    const exported = await exec(process.execPath, [bin, 'products', 'export', '--format', 'json'], {
      cwd: home.dir,
      env: { PATH: process.env.PATH ?? '', TOKOBAPAK_URL: demo.url, TOKOBAPAK_API_KEY: key.secret },
    });
    expect(JSON.parse(exported.stdout).map((row: { handle: string }) => row.handle)).toEqual(['kopi-rina-250-g']);
    expect((await cli(['keys', 'list'])).keys.map((listed: { id: string }) => listed.id)).toContain(key.apiKey.id);
    await cli(['keys', 'revoke', key.apiKey.id]);

    expect(await cli(['logout'])).toMatchObject({ signedOut: true });
    expect(existsSync(join(home.dir, 'config', 'session.json'))).toBe(false);
  });

  test('service-token mints a credential that service-only operations accept', async () => {
    const failed = await exec(process.execPath, [bin, 'service-token', '--service', 'order', '--json'], {
      env: { PATH: process.env.PATH ?? '' },
    }).catch((error: { stdout: string }) => error);
    expect(JSON.parse((failed as { stdout: string }).stdout).error.code).toBe('CLI_CREDENTIALS_MISSING');

    const minted = await exec(process.execPath, [bin, 'service-token', '--service', 'order'], {
      env: { PATH: process.env.PATH ?? '', TOKOBAPAK_SECRET: SECRET },
    });
    const credential = minted.stdout.trim();
    const reserve = (headers: Record<string, string>) =>
      fetch(`${demo.url}/inventory/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID(), ...headers },
        body: JSON.stringify({ reference: 'chk-1', items: [{ variantId: `var_${'0'.repeat(26)}`, quantity: 1 }] }),
      });
    expect((await reserve({})).status).toBe(401);
    // Past authentication: the variant is what is missing.
    const answer = await reserve({ 'x-service-credential': credential });
    expect(await answer.json()).toMatchObject({ status: 404, code: 'INVENTORY_VARIANT_NOT_FOUND' });
  });
});
