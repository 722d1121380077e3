import { authPlugin } from '@tokobapak/plugin-auth';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, eventually, expectProblemResponse, storeToken, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checklistPlugin } from '../src/index.js';

// The example service in a store beside all six built-in services, driven over HTTP as a
// storefront or a merchant tool would call it.

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      inventoryPlugin(),
      imageProxyPlugin(),
      promotedItemPlugin(),
      checklistPlugin(),
    ],
  });
});
afterAll(async () => {
  await server?.close();
});

const call = (method: 'GET' | 'POST', url: string, token: string) => server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

test('opening a store gives it a checklist (merchant.store-created), which its staff tick off', async () => {
  const health = await server.app.inject({ method: 'GET', url: '/health' });
  expect(health.json().services).toContain('checklist');

  const owner = server.client();
  await owner.user.register({ body: { email: 'budi@example.com', password: 'kopi-susu-gula-aren', name: 'Budi' } });
  await owner.auth.login({ body: { email: 'budi@example.com', password: 'kopi-susu-gula-aren' } });
  const store = await owner.merchant.createStore({ body: { name: 'Toko Budi', handle: 'toko-budi' } });
  const { accessToken } = await owner.auth.selectStore({ body: { storeId: store.id } });

  // The event is delivered after the store's transaction commits.
  const opened = await eventually(async () => {
    const response = await call('GET', '/checklist/store', accessToken);
    expect(response.statusCode).toBe(200);
    return response.json();
  });
  expect(opened).toEqual({
    storeId: store.id,
    items: [
      { key: 'upload-logo', title: 'Upload your logo', completedAt: null },
      { key: 'first-product', title: 'Create your first product', completedAt: null },
      { key: 'publish-product', title: 'Publish a product', completedAt: null },
    ],
  });

  const done = await call('POST', '/checklist/store/items/first-product/complete', accessToken);
  expect(done.statusCode).toBe(200);
  const completedAt = done.json().items[1].completedAt as string;
  expect(Date.parse(completedAt)).not.toBeNaN();
  // A second tick keeps the first time.
  expect((await call('POST', '/checklist/store/items/first-product/complete', accessToken)).json().items[1].completedAt).toBe(completedAt);

  expectProblemResponse(await call('POST', '/checklist/store/items/open-a-bank/complete', accessToken), 404, 'CHECKLIST_ITEM_NOT_FOUND');
  expectProblemResponse(await call('POST', '/checklist/store/items/NOT_A_KEY/complete', accessToken), 400, 'VALIDATION_FAILED');
});

test('only a store session reaches a checklist, and a store the event never reached has none', async () => {
  const customer = server.client();
  await customer.user.register({ body: { email: 'ani@example.com', password: 'kopi-susu-gula-aren', name: 'Ani' } });
  const { accessToken } = await customer.auth.login({ body: { email: 'ani@example.com', password: 'kopi-susu-gula-aren' } });
  expect((await call('GET', '/checklist/store', accessToken)).statusCode).toBe(403);
  expectProblemResponse(await call('GET', '/checklist/store', storeToken(server, 'sto_01jd0000000000000000000000')), 404, 'CHECKLIST_NOT_FOUND');
});
