import { authPlugin } from '@tokobapak/plugin-auth';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { userPlugin } from '@tokobapak/plugin-user';
import { newId } from '@tokobapak/server';
import { createTestServer, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderSeeder } from '../../packages/plugins/order/test/support.js';

// The order service's real `order.completed` reaching the merchant's ledger: the store completes
// an order on its desk and its balance shows the total less the platform fee, once.

const PASSWORD = 'kopi-tubruk-pagi-hari-99';
const seeder = orderSeeder();
let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      orderPlugin({ platformFeeBasisPoints: 300 }),
      seeder.plugin,
    ],
  });
});
afterAll(async () => {
  await server?.close();
});

test('completing an order on the desk credits the store net of the platform fee, once', async () => {
  const owner = server.client();
  const user = await owner.user.register({ body: { email: 'dewi@toko.example', password: PASSWORD, name: 'Dewi' } });
  await owner.auth.login({ body: { email: 'dewi@toko.example', password: PASSWORD } });
  const store = await owner.merchant.createStore({ body: { name: 'Toko Dewi', handle: 'toko-dewi' } });
  const session = storeSession(server, store.id, 'owner', user.id);

  const {
    orderIds: [orderId],
  } = await seeder.seed({ customerId: newId('usr'), stores: [{ storeId: store.id, lines: [{ quantity: 3, unitPrice: 33_333 }] }], feeBasisPoints: 300 });
  const id = orderId as string;
  await session.order.acceptOrder({ params: { orderId: id }, body: {} });
  const completed = await session.order.completeOrder({ params: { orderId: id }, body: {} });
  // 99,999 at 3%: 2,999.97 rounded down.
  expect(completed.platformFee).toEqual({ amount: 2_999, currency: 'IDR' });
  await session.order.completeOrder({ params: { orderId: id }, body: {} });
  await server.relay.drain();

  const balance = await session.merchant.getStoreBalance();
  expect(balance.available).toEqual({ amount: 99_999 - 2_999, currency: 'IDR' });
  const entries = (await session.merchant.listStoreLedgerEntries()).items;
  expect(entries.map((entry) => [entry.kind, entry.orderId, entry.amount.amount])).toEqual([['order_completed', id, 97_000]]);
});
