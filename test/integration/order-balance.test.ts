import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { userPlugin } from '@tokobapak/plugin-user';
import { newId } from '@tokobapak/server';
import { createTestServer, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { paidOrder } from '../../packages/plugins/order/test/checkout-support.js';
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
      inventoryPlugin(),
      cartPlugin(),
      paymentPlugin({ provider: 'sandbox' }),
      orderPlugin({ platformFeeBasisPoints: 300, settleIntervalMs: 100 }),
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

test('a refund before completion lowers the credit and the fee; a refund after completion is debited; the balance matches the ledger to the unit', async () => {
  const owner = server.client();
  const user = await owner.user.register({ body: { email: 'rina@toko.example', password: PASSWORD, name: 'Rina' } });
  await owner.auth.login({ body: { email: 'rina@toko.example', password: PASSWORD } });
  const store = await owner.merchant.createStore({ body: { name: 'Toko Rina', handle: 'toko-rina' } });
  const session = storeSession(server, store.id, 'owner', user.id);
  const { order } = await paidOrder(server, { price: 33_333, quantity: 3, storeId: store.id });
  const line = order.lines[0];
  if (!line) throw new Error('no line');
  const total = order.totals.total.amount;
  const params = { orderId: order.id };
  const one = { lines: [{ lineId: line.id, quantity: 1 }] };

  await session.order.acceptOrder({ params, body: {} });
  // Before completion: one unit (a third of the line, rounded down) goes back; nothing is posted.
  const before = await session.order.cancelOrder({ params, body: one });
  const first = before.totals.refunded.amount;
  expect(first).toBe(Math.floor(line.total.amount / 3));
  await server.relay.drain();
  expect((await session.merchant.listStoreLedgerEntries()).items).toEqual([]);

  const completed = await session.order.completeOrder({ params, body: {} });
  const fee = Math.floor(((total - first) * 300) / 10_000);
  expect(completed.platformFee).toEqual({ amount: fee, currency: 'IDR' });
  // After completion: the second unit, debited from the store whole (the fee is not given back).
  const after = await session.order.cancelOrder({ params, body: { ...one, reason: 'Retur' } });
  const second = after.totals.refunded.amount - first;
  expect(second).toBe(Math.floor((line.total.amount * 2) / 3) - first);
  await server.relay.drain();

  const balance = await session.merchant.getStoreBalance();
  expect(balance.available).toEqual({ amount: total - first - fee - second, currency: 'IDR' });
  const entries = (await session.merchant.listStoreLedgerEntries()).items;
  expect(entries.map((entry) => [entry.kind, entry.amount.amount]).sort()).toEqual(
    [
      ['order_completed', total - first - fee],
      ['order_refunded', -second],
    ].sort(),
  );
  expect(entries.reduce((sum, entry) => sum + entry.amount.amount, 0)).toBe(balance.available.amount);
});
