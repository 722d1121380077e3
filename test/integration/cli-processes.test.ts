import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@tokobapak/sdk';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { STORE_SERVICES } from '../../packages/cli/src/services/store-services.js';
import { CLI_BIN, CLI_BUILT, type StartedStore, startStore } from './support/cli-process.js';

const started: StartedStore[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((store) => store.stop()));
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tokobapak-cli-'));
  folders.push(folder);
  return folder;
}

describe.skipIf(!CLI_BUILT)(`the CLI as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('start --demo prints the store and docs URLs, serves /docs, and the demo accounts sign in', async () => {
    const data = join(await tempFolder(), 'data');
    const store = await startStore(['start', '--demo', '--port', '0', '--data', data, '--json'], { env: { DATABASE_URL: '' } });
    started.push(store);
    expect(store.docsUrl).toBe(`${store.url}/docs`);
    expect((await fetch(store.docsUrl)).status).toBe(200);
    const health = await (await fetch(`${store.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: 'pglite', services: STORE_SERVICES });

    const client = createClient({ baseUrl: store.url });
    const admin = await client.auth.login({ body: { email: 'admin@demo.tokobapak.dev', password: 'demo-boss-password' } });
    expect(admin.userId).toMatch(/^usr_/);

    // The demo store's catalogue is on sale, with a sold-out product shown as such.
    const catalogue = await client.inventory.listProducts({ query: { limit: 50 } });
    expect(catalogue.items.map((product) => product.handle)).toContain('kopi-gayo-250');
    expect(catalogue.items.find((product) => product.handle === 'gula-aren-cair')?.soldOut).toBe(true);
    await store.stop();
  });

  describe.skipIf(!process.env.DATABASE_URL)('two processes on one PostgreSQL (needs DATABASE_URL)', () => {
    test('start --services auth and start --services user work together over HTTP', async () => {
      const base = process.env.DATABASE_URL as string;
      const name = `tb_two_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(base);
      url.pathname = `/${name}`;
      try {
        const auth = await startStore(['start', '--services', 'auth', '--port', '0', '--json'], { env: { DATABASE_URL: url.toString() } });
        started.push(auth);
        const user = await startStore(['start', '--services', 'user', '--port', '0', '--json'], {
          env: { DATABASE_URL: url.toString(), TOKOBAPAK_AUTH_URL: auth.url },
        });
        started.push(user);

        // Registration goes to the user process, which creates the credential in the auth process over HTTP.
        const client = createClient({ baseUrl: { user: user.url, auth: auth.url } });
        await client.user.register({ body: { email: 'dua@example.com', password: 'two processes one store', name: 'Dua' } });
        const tokens = await client.auth.login({ body: { email: 'dua@example.com', password: 'two processes one store' } });
        // The auth process signed the token; the user process accepts it (one platform secret, kept in the shared database).
        await expect(client.user.getProfile()).resolves.toMatchObject({ id: tokens.userId, email: 'dua@example.com' });
        expect((await (await fetch(`${auth.url}/health`)).json()).services).toEqual(['auth']);
        expect((await fetch(`${auth.url}/user/me`)).status).toBe(404);
        await Promise.all([auth.stop(), user.stop()]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    }, 120_000);
  });
});
