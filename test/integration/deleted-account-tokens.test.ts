import { authPlugin } from '@tokobapak/plugin-auth';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';

// A deleted account's access tokens stop writing at once, not when they expire (issue 8, item 11).
const PASSWORD = 'correct horse battery staple';
let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin(), inventoryPlugin()],
  });
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
