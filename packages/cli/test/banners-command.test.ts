import { createHash, randomBytes } from 'node:crypto';
import { authPlugin } from '@tokobapak/plugin-auth';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The CLI does not load the promoted-item service itself yet; the test serves it beside auth.
import { promotedItemPlugin } from '../../plugins/promoted-item/src/index.js';
import { run } from './helpers.js';

// `tokobapak banners` against a real server listening on a port, through the SDK over HTTP.

const STORE_A = `sto_${'a'.repeat(26)}`;
const STORE_B = `sto_${'b'.repeat(26)}`;
const IMAGE = `img_${'1'.repeat(26)}`;
let server: TestServer;
let url: string;
let counter = 0;

beforeAll(async () => {
  server = await createTestServer({ plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), promotedItemPlugin()] });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
});

/**
 * A store-scoped API key, written straight into auth's table: issuing one through the API needs the
 * merchant service to vouch for the membership, which this test does not load.
 */
async function storeKey(storeId: string, scopes = ['store:read', 'store:write']): Promise<string> {
  counter += 1;
  const secret = `tbk_${randomBytes(32).toString('base64url')}`;
  const id = `key_${counter.toString().padStart(26, '0')}`;
  const hash = createHash('sha256').update(secret).digest('hex');
  await sql`insert into auth.api_keys (id, user_id, name, prefix, secret_hash, scopes, store_id, created_at)
    values (${id}, ${`usr_${counter.toString().padStart(26, '0')}`}, 'cli test', ${secret.slice(0, 12)}, ${hash}, ${sql`${scopes}::text[]`}, ${storeId}, now())`.execute(
    server.database.db,
  );
  return secret;
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
