import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { newId } from '@tokobapak/server';
import { contextPlugin, createTestServer, eventually, outboxEvents, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { orderSeeder } from './support.js';

// order.confirmed (a paid order) feeds the promotion service's first-order condition, through the
// real outbox; an order placed and never paid does not count.

const seeder = orderSeeder();
// Publishes order.confirmed events as the order service did before they listed their checkout's orders.
const source = contextPlugin('ordersource');
let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ plugins: [orderPlugin(), promotionPlugin(), seeder.plugin, source.plugin] });
});
afterAll(async () => {
  await server?.close();
});

test('a first-order coupon applies until the customer pays for an order, then no more', async () => {
  const admin = server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: `ses_${'0'.repeat(26)}` }) });
  const code = `PERTAMA${Date.now().toString(36).toUpperCase()}`;
  await admin.promotion.createPlatformDiscount({
    body: { name: 'Pembeli baru', type: 'fixed_amount', amount: 20_000, currency: 'IDR', code, conditions: { firstOrderOnly: true } },
  });
  const storeId = newId('sto');
  const customerId = newId('usr');
  const evaluate = (who = customerId) =>
    serviceClient(server, 'cart').promotion.evaluatePromotions({
      body: {
        currency: 'IDR',
        customerId: who,
        couponCodes: [code],
        lines: [{ lineId: 'a', variantId: newId('var'), productId: newId('prod'), storeId, categories: [], quantity: 1, unitPrice: 50_000 }],
      },
    });
  expect((await evaluate()).discount).toBe(20_000);

  // Placed and never paid: no first order yet. Another customer's paid order, placed after it, shows
  // that the promotion service has read past it.
  await seeder.seed({ customerId, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 50_000 }] }], paid: false });
  const other = newId('usr');
  await seeder.seed({ customerId: other, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 50_000 }] }], paid: true });
  await eventually(async () => expect((await evaluate(other)).discount).toBe(0));
  expect((await evaluate()).discount).toBe(20_000);

  await seeder.seed({ customerId, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 50_000 }] }], paid: true });
  await eventually(async () => {
    const after = await evaluate();
    expect(after.discount).toBe(0);
    expect(after.rejectedCodes).toEqual([expect.objectContaining({ code, reason: 'PROMOTION_CONDITIONS_NOT_MET' })]);
  });
});

/** Counts the statements writing `promotion.ordering_customers` (a statement-level trigger: an upsert that changes nothing counts too). */
async function countFirstOrderWrites(): Promise<() => Promise<number>> {
  const db = server.database.db;
  await sql`create table if not exists public.first_order_writes (at timestamptz not null default now())`.execute(db);
  await sql`create or replace function public.count_first_order_write() returns trigger language plpgsql as $$
    begin insert into public.first_order_writes default values; return null; end $$`.execute(db);
  await sql`drop trigger if exists first_order_writes on promotion.ordering_customers`.execute(db);
  await sql`create trigger first_order_writes after insert on promotion.ordering_customers for each statement execute function public.count_first_order_write()`.execute(
    db,
  );
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from public.first_order_writes`.execute(db)).rows[0]?.n ?? 0;
  const before = await count();
  return async () => (await count()) - before;
}

test('a paid checkout with orders from two stores records its customer once (one write, not one per order), and the first-order coupon stops applying', async () => {
  const admin = server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: `ses_${'0'.repeat(26)}` }) });
  const code = `DUATOKO${Date.now().toString(36).toUpperCase()}`;
  await admin.promotion.createPlatformDiscount({
    body: { name: 'Pembeli baru', type: 'fixed_amount', amount: 20_000, currency: 'IDR', code, conditions: { firstOrderOnly: true } },
  });
  const customerId = newId('usr');
  const evaluate = () =>
    serviceClient(server, 'cart').promotion.evaluatePromotions({
      body: {
        currency: 'IDR',
        customerId,
        couponCodes: [code],
        lines: [{ lineId: 'a', variantId: newId('var'), productId: newId('prod'), storeId: newId('sto'), categories: [], quantity: 1, unitPrice: 50_000 }],
      },
    });
  expect((await evaluate()).discount).toBe(20_000);
  await server.relay.drain();
  const writes = await countFirstOrderWrites();

  const line = { quantity: 1, unitPrice: 50_000 };
  const { orderIds } = await seeder.seed({
    customerId,
    stores: [
      { storeId: newId('sto'), lines: [line] },
      { storeId: newId('sto'), lines: [line] },
    ],
    paid: true,
  });
  const confirmed = await outboxEvents(server, ['order.confirmed'], {});
  const ours = confirmed.filter((event) => orderIds.includes((event.data as { orderId: string }).orderId));
  // Each event lists the checkout's orders, in the order the events were published.
  expect(ours.map((event) => (event.data as { checkoutOrderIds?: string[] }).checkoutOrderIds)).toEqual([[...orderIds].sort(), [...orderIds].sort()]);
  await server.relay.drain();

  expect(await writes()).toBe(1);
  const after = await evaluate();
  expect(after.discount).toBe(0);
  expect(after.rejectedCodes).toEqual([expect.objectContaining({ code, reason: 'PROMOTION_CONDITIONS_NOT_MET' })]);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from promotion.ordering_customers where customer_id = ${customerId}`.execute(
    server.database.db,
  );
  expect(rows[0]?.n).toBe(1);
});

test('an order.confirmed without the list of its checkout (published before it existed), or not listing its own order, still records its customer', async () => {
  await server.relay.drain();
  const writes = await countFirstOrderWrites();
  const legacy = newId('usr');
  const unlisted = newId('usr');
  const confirmed = (customerId: string, checkoutOrderIds?: string[]) => {
    const orderId = newId('ord');
    return {
      type: 'order.confirmed',
      subject: orderId,
      data: {
        orderId,
        checkoutId: newId('chk'),
        customerId,
        storeId: newId('sto'),
        total: { amount: 50_000, currency: 'IDR' },
        ...(checkoutOrderIds ? { checkoutOrderIds } : {}),
      },
    };
  };
  await source.context().transaction((tx) => tx.publishMany([confirmed(legacy), confirmed(unlisted, [newId('ord'), newId('ord')])]));
  await server.relay.drain();
  expect(await writes()).toBe(2);
  const { rows } = await sql<{
    customer_id: string;
  }>`select customer_id from promotion.ordering_customers where customer_id in (${legacy}, ${unlisted}) order by customer_id`.execute(server.database.db);
  expect(rows.map((row) => row.customer_id)).toEqual([legacy, unlisted].sort());
});
