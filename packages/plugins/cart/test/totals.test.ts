import { newId } from '@tokobapak/server';
import { expectProblem, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lineTax } from '../src/index.js';
import { linesOf, startServer, tokenHeader, variantOf } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const PPN = { name: 'PPN', rateBasisPoints: 1200, baseNumerator: 11, baseDenominator: 12 };
const admin = () => server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: `ses_${'0'.repeat(26)}` }) });

describe('the rounding rule', () => {
  test.each([
    // amount, inclusive?, tax
    [170000, true, 16847], // 170000 × 13200 / 133200 = 16846.85
    [135000, false, 14850], // 11% exactly
    [1, false, 0], // 0.11 → 0
    [5, false, 1], // 0.55 → 1 (half up)
    [50, false, 6], // 5.5 → 6 (half up)
    [0, true, 0],
    [9007199254740991, false, 990791918021509], // the largest safe amount, exactly
  ] as const)('%d (prices include tax: %s) → tax %d', (amount, inclusive, tax) => {
    expect(lineTax(amount, PPN, inclusive)).toBe(tax);
  });
});

describe('totals by the server', () => {
  test('per line, per store and overall; an inclusive and an exclusive store', async () => {
    const inclusive = await variantOf(server, { price: 85000, stock: 10 });
    const exclusive = await variantOf(server, { price: 45000, stock: 10 });
    await storeSession(server, exclusive.storeId, 'manager').cart.setStoreTaxSettings({ body: { pricesIncludeTax: false } });
    expect(await storeSession(server, exclusive.storeId, 'staff').cart.getStoreTaxSettings()).toEqual({ storeId: exclusive.storeId, pricesIncludeTax: false });
    expect(await storeSession(server, inclusive.storeId).cart.getStoreTaxSettings()).toEqual({ storeId: inclusive.storeId, pricesIncludeTax: true });
    await expectProblem(storeSession(server, exclusive.storeId, 'staff').cart.setStoreTaxSettings({ body: { pricesIncludeTax: true } }), 403, 'FORBIDDEN');

    const created = await server.client().cart.createCart({ body: {} });
    const headers = tokenHeader(created.token);
    const cartId = created.id;
    await server.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId: inclusive.variantId, quantity: 2 } });
    const cart = await server.client().cart.addCartLine({ params: { cartId }, headers, body: { variantId: exclusive.variantId, quantity: 3 } });

    const idr = (amount: number) => ({ amount, currency: 'IDR' });
    expect(cart.tax).toEqual(PPN);
    expect(cart.stores.map((store) => [store.pricesIncludeTax, store.totals])).toEqual([
      [true, { subtotal: idr(170000), discount: idr(0), shipping: null, shippingDiscount: idr(0), tax: idr(16847), total: idr(170000) }],
      [false, { subtotal: idr(135000), discount: idr(0), shipping: null, shippingDiscount: idr(0), tax: idr(14850), total: idr(149850) }],
    ]);
    expect(linesOf(cart).map((line) => [line.subtotal.amount, line.tax.amount, line.total.amount])).toEqual([
      [170000, 16847, 170000],
      [135000, 14850, 149850],
    ]);
    expect(cart.totals).toEqual({ subtotal: idr(305000), discount: idr(0), shipping: null, shippingDiscount: idr(0), tax: idr(31697), total: idr(319850) });
  });

  test('an admin sets the platform rate; every cart applies it on its next read', async () => {
    const { variantId } = await variantOf(server, { price: 100000, stock: 5 });
    const created = await server.client().cart.createCart({ body: {} });
    const headers = tokenHeader(created.token);
    await server.client().cart.addCartLine({ params: { cartId: created.id }, headers, body: { variantId, quantity: 1 } });
    expect(await admin().cart.getPlatformTax()).toEqual({ ...PPN, updatedAt: null });
    await expectProblem(
      admin().cart.setPlatformTax({ body: { name: 'X', rateBasisPoints: 100, baseNumerator: 2, baseDenominator: 1 } }),
      400,
      'CART_INVALID_TAX',
    );
    await expectProblem(storeSession(server).cart.getPlatformTax(), 403, 'FORBIDDEN');
    try {
      const set = await admin().cart.setPlatformTax({ body: { name: 'PPN barang mewah', rateBasisPoints: 1200, baseNumerator: 1, baseDenominator: 1 } });
      expect(set.updatedAt).not.toBeNull();
      const cart = await server.client().cart.getCart({ params: { cartId: created.id }, headers });
      // 100000 inclusive at 12%: 100000 × 1200 / 11200 = 10714.29
      expect(cart.totals.tax.amount).toBe(10714);
      expect(cart.tax.name).toBe('PPN barang mewah');
    } finally {
      await admin().cart.setPlatformTax({ body: PPN });
    }
  });
});
