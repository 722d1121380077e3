import { authPlugin } from '@tokobapak/plugin-auth';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import { createServer, type TokoBapakServer } from '@tokobapak/server';
import { createTestServer, manualClock, openTestDatabase, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';

// A deleted account's access tokens stop writing at once, not when they expire (issue 8, item 11).
const PASSWORD = 'correct horse battery staple';
let server: TestServer;
const people = () => [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin()];

beforeAll(async () => {
  server = await createTestServer({ plugins: [...people(), merchantPlugin(), inventoryPlugin()] });
});
afterAll(async () => {
  await server?.close();
});

const variant = { sku: 'KOPI-GAYO', optionValues: {}, price: { amount: 85000, currency: 'IDR' }, weight: 250, stockOnHand: 10 };
const product = { title: 'Kopi Gayo', handle: 'kopi-gayo', options: [], variants: [variant] };

test("a deleted account's unexpired access tokens can no longer create keys, stores or products", async () => {
  const person = server.client();
  const email = 'pergi@example.com';
  await person.user.register({ body: { email, password: PASSWORD, name: 'Sudah Pergi' } });
  const session = await person.auth.login({ body: { email, password: PASSWORD } });
  const store = await person.merchant.createStore({ body: { name: 'Toko Pergi', handle: 'toko-pergi' } });
  const storeSession = await person.auth.selectStore({ body: { storeId: store.id } });
  // Plain clients holding only the access tokens: nothing refreshes behind the test's back.
  const asPerson = server.client({ accessToken: session.accessToken });
  const asStore = server.client({ accessToken: storeSession.accessToken });
  await expect(asStore.inventory.createProduct({ body: product })).resolves.toMatchObject({ handle: 'kopi-gayo' });

  await person.user.deleteAccount({ body: { password: PASSWORD, confirm: 'DELETE' } });

  // At once: no relay round, no waiting for the tokens to expire (they still verify for 15 minutes).
  await expect(asPerson.auth.createApiKey({ body: { name: 'after death', scopes: ['profile:read'] } })).rejects.toMatchObject({
    status: 401,
    code: 'UNAUTHENTICATED',
  });
  await expect(asPerson.merchant.createStore({ body: { name: 'Toko Hantu', handle: 'toko-hantu' } })).rejects.toMatchObject({ status: 401 });
  await expect(asStore.inventory.createProduct({ body: { ...product, handle: 'kopi-hantu', variants: [{ ...variant, sku: 'HANTU' }] } })).rejects.toMatchObject(
    {
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  );
  await expect(asStore.merchant.updateStore({ body: { name: 'Toko Hantu' } })).rejects.toMatchObject({ status: 401 });
  // Another person's writes are untouched.
  const other = server.client();
  await other.user.register({ body: { email: 'tetap@example.com', password: PASSWORD, name: 'Masih Ada' } });
  await other.auth.login({ body: { email: 'tetap@example.com', password: PASSWORD } });
  await expect(other.auth.createApiKey({ body: { name: 'alive', scopes: ['profile:read'] } })).resolves.toMatchObject({ secret: expect.any(String) });
});

test('a second server on the same database refuses the deleted account within its poll interval', async () => {
  // Another process on PostgreSQL (its own connections); on PGlite, which one process owns, a second server on the same handle.
  // Its relay passes once an hour, so only its reads of the list can tell it of the deletion.
  const second: TokoBapakServer = await createServer({
    plugins: people(),
    ...(server.databaseUrl ? { database: { url: server.databaseUrl } } : { openDatabase: server.database }),
    logLevel: false,
    mail: { transport: 'memory' },
    eventPollIntervalMs: 3_600_000,
    deletedAccountsPollIntervalMs: 100,
  });
  try {
    const person = server.client();
    const email = 'pindah@example.com';
    await person.user.register({ body: { email, password: PASSWORD, name: 'Pindah Proses' } });
    const session = await person.auth.login({ body: { email, password: PASSWORD } });
    const there = second.client({ accessToken: session.accessToken });
    await expect(there.auth.createApiKey({ body: { name: 'before', scopes: ['profile:read'] } })).resolves.toMatchObject({ secret: expect.any(String) });

    await person.user.deleteAccount({ body: { password: PASSWORD, confirm: 'DELETE' } });
    const deletedAt = Date.now();
    // At once in the deleting server.
    await expect(
      server.client({ accessToken: session.accessToken }).auth.createApiKey({ body: { name: 'here', scopes: ['profile:read'] } }),
    ).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    // In the other within two intervals (200 ms); a second of slack for a loaded machine.
    let refusal: unknown;
    while (!refusal && Date.now() - deletedAt < 3_000) {
      refusal = await there.auth.createApiKey({ body: { name: 'there', scopes: ['profile:read'] } }).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (!refusal) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(refusal).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(Date.now() - deletedAt).toBeLessThan(1_200);
  } finally {
    await second.close();
  }
});

test('an account deleted before the window: its token, long expired, is refused by its expiry', async () => {
  const database = await openTestDatabase();
  const clock = manualClock();
  const start = () => createServer({ plugins: people(), openDatabase: database, logLevel: false, mail: { transport: 'memory' }, clock });
  try {
    const first = await start();
    const person = first.client();
    await person.user.register({ body: { email: 'lama@example.com', password: PASSWORD, name: 'Sudah Lama' } });
    const session = await person.auth.login({ body: { email: 'lama@example.com', password: PASSWORD } });
    await person.user.deleteAccount({ body: { password: PASSWORD, confirm: 'DELETE' } });
    await first.close();
    // A server started 20 minutes later does not read that deletion (past the 16-minute window) …
    clock.advance(20 * 60_000);
    const later = await start();
    try {
      // … and needs not: the token expired 5 minutes ago.
      await expect(
        later.client({ accessToken: session.accessToken }).auth.createApiKey({ body: { name: 'late', scopes: ['profile:read'] } }),
      ).rejects.toMatchObject({
        status: 401,
        code: 'TOKEN_EXPIRED',
      });
    } finally {
      await later.close();
    }
  } finally {
    await database.close();
  }
});
