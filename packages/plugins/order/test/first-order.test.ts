import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { newId } from '@tokobapak/server';
import { createTestServer, eventually, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { orderSeeder } from './support.js';

// order.confirmed (a paid order) feeds the promotion service's first-order condition, through the
// real outbox; an order placed and never paid does not count.

const seeder = orderSeeder();
let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ plugins: [orderPlugin(), promotionPlugin(), seeder.plugin] });
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
