import { authPlugin } from '@tokobapak/plugin-auth';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from './helpers.js';

// `tokobapak banners` against a real server listening on a port, through the SDK over HTTP.

let server: TestServer;
let url: string;
let STORE_A = '';
let STORE_B = '';
let IMAGE = '';
const keys = new Map<string, string>();

/** An owner with a store, a store-scoped key and an uploaded banner image, made through the public API. */
async function openStore(handle: string): Promise<{ storeId: string; imageId: string }> {
  const email = `${handle}@example.com`;
  const owner = server.client();
  await owner.user.register({ body: { email, password: 'correct horse battery staple', name: 'Pemilik' } });
  await owner.auth.login({ body: { email, password: 'correct horse battery staple' } });
  const store = await owner.merchant.createStore({ body: { name: `Toko ${handle}`, handle } });
  const { secret } = await owner.auth.createApiKey({ body: { name: 'cli test', scopes: ['store:read', 'store:write', 'products:write'], storeId: store.id } });
  keys.set(store.id, secret);
  const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#c0392b' } })
    .png()
    .toBuffer();
  const image = await server.client({ apiKey: secret }).imageProxy.uploadImage({ body: { file: new File([png], 'banner.png', { type: 'image/png' }) } });
  return { storeId: store.id, imageId: image.id };
}

beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      inventoryPlugin(),
      imageProxyPlugin(),
      promotedItemPlugin(),
    ],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  const a = await openStore('toko-a');
  STORE_A = a.storeId;
  IMAGE = a.imageId;
  STORE_B = (await openStore('toko-b')).storeId;
});
afterAll(async () => {
  await server?.close();
});

async function storeKey(storeId: string): Promise<string> {
  const key = keys.get(storeId);
  if (!key) throw new Error(`no key for ${storeId}`);
  return key;
}

const keyed = (apiKey: string) => ({ env: { TOKOBAPAK_URL: url, TOKOBAPAK_API_KEY: apiKey } });

describe('tokobapak banners', () => {
  test('create, list, pause and delete with a store API key', async () => {
    const key = await storeKey(STORE_A);
    const created = await run(
      [
        'banners',
        'create',
        '--placement',
        'home-hero',
        '--title',
        'Promo Ramadan',
        '--image-id',
        IMAGE,
        '--link-url',
        'https://toko.example/ramadan',
        '--priority',
        '5',
        '--json',
      ],
      keyed(key),
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { banner } = JSON.parse(created.stdout) as { banner: { id: string; storeId: string; priority: number; status: string } };
    expect(banner).toMatchObject({ storeId: STORE_A, priority: 5, status: 'active' });

    // Flags from variables too, and the plain table when stdout is a pipe.
    await run(['banners', 'create'], {
      env: {
        ...keyed(key).env,
        TOKOBAPAK_PLACEMENT: 'home-strip',
        TOKOBAPAK_TITLE: 'Gratis ongkir',
        TOKOBAPAK_IMAGE_ID: IMAGE,
        TOKOBAPAK_LINK_URL: 'https://toko.example/ongkir',
      },
    });
    const table = await run(['banners', 'list'], keyed(key));
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +PLACEMENT +PRIORITY +STATUS +STARTS +ENDS +TITLE$/);
    expect(table.stdout).toMatch(new RegExp(`^${banner.id} +home-hero +5 +active .* Promo Ramadan$`, 'm'));

    const paused = await run(['banners', 'pause', banner.id, '--json'], keyed(key));
    expect(JSON.parse(paused.stdout)).toEqual({ banner: expect.objectContaining({ id: banner.id, status: 'paused' }) });
    const onlyPaused = JSON.parse((await run(['banners', 'list', '--status', 'paused', '--json'], keyed(key))).stdout) as { banners: Array<{ id: string }> };
    expect(onlyPaused.banners.map((item) => item.id)).toEqual([banner.id]);
    const hero = JSON.parse((await run(['banners', 'list', '--placement', 'home-strip', '--json'], keyed(key))).stdout) as {
      banners: Array<{ title: string }>;
    };
    expect(hero.banners.map((item) => item.title)).toEqual(['Gratis ongkir']);

    const deleted = await run(['banners', 'delete', banner.id], keyed(key));
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted banner ${banner.id}\n` });
    const left = JSON.parse((await run(['banners', 'list', '--json'], keyed(key))).stdout) as { banners: Array<{ id: string }> };
    expect(left.banners.map((item) => item.id)).not.toContain(banner.id);
  });

  test("another store's key cannot pause or delete the banner: CLI_API_ERROR with the 404", async () => {
    const mine = await storeKey(STORE_A);
    const { banner } = JSON.parse(
      (
        await run(
          ['banners', 'create', '--placement', 'home-hero', '--title', 'Milik A', '--image-id', IMAGE, '--link-url', 'https://toko.example/a', '--json'],
          keyed(mine),
        )
      ).stdout,
    ) as { banner: { id: string } };
    const theirs = await storeKey(STORE_B);
    const refused = await run(['banners', 'pause', banner.id, '--json'], keyed(theirs));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: 404 PROMOTED_ITEM_BANNER_NOT_FOUND: No such banner\n');
    expect(JSON.parse(refused.stdout)).toEqual({ error: { code: 'CLI_API_ERROR', message: '404 PROMOTED_ITEM_BANNER_NOT_FOUND: No such banner' } });
    expect((await run(['banners', 'delete', banner.id], keyed(theirs))).code).toBe(1);
  });

  test('usage errors name the flag and its variable; no key is CLI_CREDENTIALS_MISSING', async () => {
    const key = await storeKey(STORE_A);
    const noTitle = await run(['banners', 'create', '--placement', 'home-hero'], keyed(key));
    expect(noTitle).toMatchObject({ code: 1, stderr: 'error: Pass --title (or TOKOBAPAK_TITLE)\n' });
    const badPriority = await run(
      ['banners', 'create', '--placement', 'x', '--title', 't', '--image-id', IMAGE, '--link-url', 'https://toko.example', '--priority', 'high'],
      keyed(key),
    );
    expect(badPriority.stderr).toMatch(/--priority \/ TOKOBAPAK_PRIORITY must be a whole number/);
    const badStatus = await run(['banners', 'list', '--status', 'gone'], keyed(key));
    expect(badStatus.stderr).toMatch(/--status \/ TOKOBAPAK_STATUS must be active or paused/);
    const noKey = await run(['banners', 'list', '--json'], { env: { TOKOBAPAK_URL: url } });
    expect(JSON.parse(noKey.stdout)).toMatchObject({ error: { code: 'CLI_CREDENTIALS_MISSING' } });
  });
});
