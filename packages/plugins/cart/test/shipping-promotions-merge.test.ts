import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { newId } from '@tokobapak/server';
import { createTestServer, customerSession, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cartPlugin } from '../src/index.js';
import { tokenHeader, variantOf } from './support.js';

// Shipping as promotions and the guest-to-customer merge see it: a free-shipping promotion takes
// the chosen shipping off, and a merge keeps the guest's choices.

let server: TestServer;
const idr = (amount: number) => ({ amount, currency: 'IDR' });
const admin = () => server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: `ses_${'0'.repeat(26)}` }) });

beforeAll(async () => {
  server = await createTestServer({ plugins: [inventoryPlugin(), shippingPlugin(), promotionPlugin({ sweepIntervalSeconds: 3600 }), cartPlugin()] });
});
afterAll(async () => {
  await server?.close();
});

/** Two stores with a flat rate each (15,000 and 9,000); store B's prices exclude tax. */
async function twoStores() {
  const a = await variantOf(server, { price: 50000, stock: 10 });
  const b = await variantOf(server, { price: 20000, stock: 10 });
  for (const [storeId, amount] of [
    [a.storeId, 15000],
    [b.storeId, 9000],
  ] as const) {
    await storeSession(server, storeId).shipping.updateShippingSettings({
      body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount }, weightTable: null, biteship: null },
    });
  }
  await storeSession(server, b.storeId, 'manager').cart.setStoreTaxSettings({ body: { pricesIncludeTax: false } });
  return { a, b };
}

const quote = async (storeId: string, weight: number) =>
  (
    await server
      .client()
      .shipping.quoteShippingRates({ body: { storeId, destination: { postalCode: '12190' }, items: [{ weight, quantity: 1 }], currency: 'IDR' } })
  ).options[0]?.optionId as string;

describe('free shipping takes the chosen shipping off', () => {
  test("a store's free-shipping coupon zeroes its shipping, not the other store's; a platform percentage on top: exact totals and tax", async () => {
    const { a, b } = await twoStores();
    const code = `ONGKIR${Date.now().toString(36).toUpperCase()}`;
    const percent = `DISKON${Date.now().toString(36).toUpperCase()}`;
    await storeSession(server, a.storeId, 'manager').promotion.createStoreDiscount({ body: { name: 'Gratis ongkir', type: 'free_shipping', code } });
    await admin().promotion.createPlatformDiscount({ body: { name: 'Diskon 10', type: 'percentage', percentage: 10, code: percent } });
    const created = await server.client().cart.createCart({ body: {} });
    const headers = tokenHeader(created.token);
    const cartId = created.id;
    const guest = server.client();
    await guest.cart.addCartLine({ params: { cartId }, headers, body: { variantId: a.variantId, quantity: 2 } });
    await guest.cart.addCartLine({ params: { cartId }, headers, body: { variantId: b.variantId, quantity: 1 } });
    await guest.cart.selectCartShipping({ params: { cartId, storeId: a.storeId }, headers, body: { optionId: await quote(a.storeId, 500) } });

    // Applying the coupon once shipping is chosen: the answer already has the shipping off.
    const applied = await guest.cart.applyCartCoupon({ params: { cartId }, headers, body: { code: code.toLowerCase() } });
    expect(applied.stores.find((store) => store.storeId === a.storeId)?.totals).toMatchObject({
      shipping: idr(15000),
      shippingDiscount: idr(15000),
      total: idr(100000),
    });
    expect(applied.promotions).toEqual([expect.objectContaining({ type: 'free_shipping', amount: 15000, fundedBy: 'store', storeId: a.storeId })]);

    await guest.cart.applyCartCoupon({ params: { cartId }, headers, body: { code: percent } });
    const cart = await guest.cart.selectCartShipping({ params: { cartId, storeId: b.storeId }, headers, body: { optionId: await quote(b.storeId, 250) } });
    const byStore = Object.fromEntries(cart.stores.map((store) => [store.storeId, store.totals]));
    // Store A (prices include tax): 100,000 − 10% = 90,000; tax 90,000 × 11/111 = 8,918.9 → 8,919; shipping 15,000 taken off.
    expect(byStore[a.storeId]).toEqual({
      subtotal: idr(100000),
      discount: idr(10000),
      shipping: idr(15000),
      shippingDiscount: idr(15000),
      tax: idr(8919),
      total: idr(90000),
    });
    // Store B (prices exclude tax): 20,000 − 10% = 18,000; tax 11% = 1,980 on top; its shipping is paid.
    expect(byStore[b.storeId]).toEqual({
      subtotal: idr(20000),
      discount: idr(2000),
      shipping: idr(9000),
      shippingDiscount: idr(0),
      tax: idr(1980),
      total: idr(28980),
    });
    expect(cart.totals).toEqual({
      subtotal: idr(120000),
      discount: idr(12000),
      shipping: idr(24000),
      shippingDiscount: idr(15000),
      tax: idr(10899),
      total: idr(118980),
    });
    // The order service reads the same totals.
    const checkout = await serviceClient(server, 'order').cart.getCheckoutCart({ params: { cartId } });
    expect(checkout.totals).toEqual(cart.totals);
    expect(checkout.promotions.map((promotion) => [promotion.type, promotion.amount]).sort()).toEqual(
      [
        ['free_shipping', 15000],
        ['percentage', 12000],
      ].sort(),
    );
  });
});

describe('guest to customer merge keeps shipping choices', () => {
  test("the guest's choice comes along for a store the customer chose nothing for; the customer's own choice wins", async () => {
    const { a, b } = await twoStores();
    const customerId = newId('usr');
    const customer = () => customerSession(server, customerId);
    const mine = await customer().cart.createCart({ body: {} });
    await customer().cart.addCartLine({ params: { cartId: mine.id }, headers: {}, body: { variantId: a.variantId, quantity: 1 } });
    const myOption = await quote(a.storeId, 500);
    await customer().cart.selectCartShipping({ params: { cartId: mine.id, storeId: a.storeId }, headers: {}, body: { optionId: myOption } });

    const created = await server.client().cart.createCart({ body: {} });
    const headers = tokenHeader(created.token);
    const guest = server.client();
    await guest.cart.addCartLine({ params: { cartId: created.id }, headers, body: { variantId: a.variantId, quantity: 1 } });
    await guest.cart.addCartLine({ params: { cartId: created.id }, headers, body: { variantId: b.variantId, quantity: 1 } });
    const guestOptionA = await quote(a.storeId, 250);
    const guestOptionB = await quote(b.storeId, 250);
    await guest.cart.selectCartShipping({ params: { cartId: created.id, storeId: a.storeId }, headers, body: { optionId: guestOptionA } });
    await guest.cart.selectCartShipping({ params: { cartId: created.id, storeId: b.storeId }, headers, body: { optionId: guestOptionB } });

    const merged = await customer().cart.mergeCart({ headers });
    expect(merged.id).toBe(mine.id);
    // A: two units of 250 g, within the customer's own 500 g quote; B: the guest's choice.
    expect(merged.totals.shipping).toEqual(idr(24000));
    const checkout = await serviceClient(server, 'order').cart.getCheckoutCart({ params: { cartId: mine.id } });
    expect(checkout.shipping.map((choice) => [choice.storeId, choice.optionId, choice.amount.amount]).sort()).toEqual(
      [
        [a.storeId, myOption, 15000],
        [b.storeId, guestOptionB, 9000],
      ].sort(),
    );
  });
});
