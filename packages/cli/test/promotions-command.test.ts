import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { authPlugin } from '@tokobapak/plugin-auth';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, serviceClient, signUp, type TestServer, uniqueEmail } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// `tokobapak promotions` as a user runs it: the built CLI as a process, signed in with
// `tokobapak login` (a session file per person), against a real server listening on a port.

const bin = resolve(import.meta.dirname, '../dist/bin.js');
const built = existsSync(bin);
const exec = promisify(execFile);
const ADMIN_EMAIL = uniqueEmail('admin-promo');

let server: TestServer;
let url: string;
let folder: string;
const people: Record<'ownerA' | 'ownerB' | 'admin', string> = { ownerA: '', ownerB: '', admin: '' };

/** Runs the CLI as `who` (their own config folder, so their own session); never throws. */
async function cli(who: keyof typeof people, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOKOBAPAK_') && name !== 'DATABASE_URL')),
    CI: 'true',
    TOKOBAPAK_URL: url,
    TOKOBAPAK_CONFIG_DIR: join(folder, who),
  };
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd: folder, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

const json = <T>(result: { stdout: string }): T => JSON.parse(result.stdout) as T;

async function signIn(who: keyof typeof people, email: string, password: string, store?: string): Promise<void> {
  const result = await cli(who, 'login', '--email', email, '--password', password, ...(store ? ['--store', store] : []), '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

beforeAll(async () => {
  if (!built) return;
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, adminEmails: [ADMIN_EMAIL] }),
      userPlugin(),
      merchantPlugin(),
      promotionPlugin(),
    ],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  folder = await mkdtemp(join(tmpdir(), 'tokobapak-promotions-'));
  for (const [who, handle] of [
    ['ownerA', 'toko-promo-a'],
    ['ownerB', 'toko-promo-b'],
  ] as const) {
    const owner = await signUp(server, { email: uniqueEmail(handle), name: 'Pemilik Toko' });
    people[who] = (await owner.client.merchant.createStore({ body: { name: `Toko ${handle}`, handle } })).id;
    await signIn(who, owner.email, owner.password, handle);
  }
  const admin = await signUp(server, { email: ADMIN_EMAIL, name: 'Admin Pasar' });
  await signIn('admin', admin.email, admin.password);
}, 240_000);
afterAll(async () => {
  await server?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe.skipIf(!built)(`tokobapak promotions as a process${built ? '' : ' (skipped: packages/cli/dist/bin.js does not exist; run pnpm build)'}`, () => {
  test('a merchant creates a coupon in its store, sees it listed, reads its stats and pauses it', async () => {
    const created = await cli(
      'ownerA',
      'promotions',
      'create',
      '--name',
      'Hemat 10%',
      '--type',
      'percentage',
      '--percentage',
      '10',
      '--code',
      'hematcli10',
      '--usage-limit',
      '5',
      '--json',
    );
    expect(created.stderr).toBe('');
    const { promotion } = json<{ promotion: { id: string; storeId: string; fundedBy: string; code: string; usageLimit: number } }>(created);
    expect(promotion).toMatchObject({ storeId: people.ownerA, fundedBy: 'store', code: 'HEMATCLI10', usageLimit: 5 });

    // Checkouts redeem it (the order service's calls), then the merchant reads the figures.
    const order = serviceClient(server, 'order').promotion;
    const first = await order.reservePromotionRedemption({
      body: { reference: 'chk-cli-1', customerId: null, promotions: [{ promotionId: promotion.id, amount: 4_500 }] },
    });
    await order.reservePromotionRedemption({ body: { reference: 'chk-cli-2', customerId: null, promotions: [{ promotionId: promotion.id, amount: 2_000 }] } });
    await order.commitPromotionRedemption({ params: { redemptionId: first.id } });
    const stats = await cli('ownerA', 'promotions', 'stats', promotion.id, '--json');
    expect(json(stats)).toEqual({
      stats: {
        promotionId: promotion.id,
        currency: 'IDR',
        used: 2,
        usageLimit: 5,
        active: 1,
        committed: 1,
        released: 0,
        expired: 0,
        discountReserved: 2_000,
        discountCommitted: 4_500,
      },
    });
    const plainStats = await cli('ownerA', 'promotions', 'stats', promotion.id);
    expect(plainStats.stdout).toMatch(/Used\s+2 of 5/);
    expect(plainStats.stdout).toMatch(/Discount given\s+4500 IDR/);

    const table = await cli('ownerA', 'promotions', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +CODE +DISCOUNT +STATUS +PRIORITY +LIMIT +ENDS +NAME$/);
    expect(table.stdout).toMatch(new RegExp(`^${promotion.id} +HEMATCLI10 +10% +active +0 +5 +- +Hemat 10%$`, 'm'));

    const paused = await cli('ownerA', 'promotions', 'pause', promotion.id, '--json');
    expect(json(paused)).toEqual({ promotion: expect.objectContaining({ id: promotion.id, status: 'paused' }) });
    const onlyPaused = json<{ promotions: Array<{ id: string }> }>(await cli('ownerA', 'promotions', 'list', '--status', 'paused', '--json'));
    expect(onlyPaused.promotions.map((item) => item.id)).toEqual([promotion.id]);
  }, 240_000);

  test("another store's promotion is a 404, and the platform's are an admin's", async () => {
    const { promotion } = json<{ promotion: { id: string } }>(
      await cli('ownerA', 'promotions', 'create', '--name', 'Ongkir gratis', '--type', 'free_shipping', '--min-subtotal', '100000', '--json'),
    );
    const refused = await cli('ownerB', 'promotions', 'pause', promotion.id, '--json');
    expect(refused.code).toBe(1);
    expect(json(refused)).toEqual({ error: { code: 'CLI_API_ERROR', message: '404 PROMOTION_NOT_FOUND: No such promotion' } });
    expect((await cli('ownerB', 'promotions', 'stats', promotion.id)).stderr).toBe('error: 404 PROMOTION_NOT_FOUND: No such promotion\n');

    const platform = await cli(
      'admin',
      'promotions',
      'create',
      '--platform',
      '--name',
      'Harbolnas',
      '--type',
      'fixed_amount',
      '--amount',
      '12000',
      '--exclusive',
      '--json',
    );
    expect(platform.stderr).toBe('');
    const created = json<{ promotion: { id: string; scope: string; stacking: string; fundedBy: string } }>(platform).promotion;
    expect(created).toMatchObject({ scope: 'platform', fundedBy: 'platform', stacking: 'exclusive' });
    const listed = json<{ promotions: Array<{ id: string }> }>(await cli('admin', 'promotions', 'list', '--platform', '--json'));
    expect(listed.promotions.map((item) => item.id)).toContain(created.id);
    const merchant = await cli('ownerA', 'promotions', 'list', '--platform', '--json');
    expect(json(merchant)).toMatchObject({ error: { code: 'CLI_API_ERROR', message: expect.stringMatching(/^403 FORBIDDEN/) } });
  }, 240_000);

  test('bad values: the flag and its variable named, or the API problem code; nothing created', async () => {
    const badType = await cli('ownerA', 'promotions', 'create', '--name', 'x', '--type', 'bogus');
    expect(badType).toMatchObject({ code: 1, stderr: expect.stringMatching(/--type \/ TOKOBAPAK_TYPE must be one of percentage, fixed_amount/) });
    const zero = await cli('ownerA', 'promotions', 'create', '--name', 'Nol', '--type', 'percentage', '--percentage', '0', '--json');
    expect(json(zero)).toMatchObject({ error: { code: 'CLI_API_ERROR', message: expect.stringMatching(/^400 VALIDATION_FAILED/) } });
    const backwards = await cli(
      'ownerA',
      'promotions',
      'create',
      '--name',
      'Mundur',
      '--type',
      'percentage',
      '--percentage',
      '5',
      '--starts-at',
      '2027-02-01',
      '--ends-at',
      '2027-01-01',
      '--json',
    );
    expect(json(backwards)).toMatchObject({ error: { code: 'CLI_API_ERROR', message: expect.stringMatching(/^422 PROMOTION_INVALID_SCHEDULE/) } });
    const huge = await cli('ownerA', 'promotions', 'create', '--name', 'Besar', '--type', 'fixed_amount', '--amount', '1000000000000', '--json');
    expect(json(huge)).toMatchObject({ error: { code: 'CLI_API_ERROR', message: expect.stringMatching(/^400 VALIDATION_FAILED/) } });
    const names = json<{ promotions: Array<{ name: string }> }>(await cli('ownerA', 'promotions', 'list', '--json')).promotions.map((item) => item.name);
    expect(names).not.toEqual(expect.arrayContaining(['Nol']));
    expect(names.some((name) => ['Nol', 'Mundur', 'Besar'].includes(name))).toBe(false);
    const noSession = await cli('ownerB', 'promotions', 'list', '--url', 'http://127.0.0.1:9', '--json');
    expect(json(noSession)).toMatchObject({ error: { code: 'CLI_CREDENTIALS_MISSING' } });
  }, 240_000);
});
