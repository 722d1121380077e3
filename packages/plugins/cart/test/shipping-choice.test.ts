import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import type { TokoBapakClient } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, expectProblem, manualClock, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cartPlugin } from '../src/index.js';
import { tokenHeader, variantOf } from './support.js';

let server: TestServer;
const clock = manualClock();
let guest: TokoBapakClient;
let headers: ReturnType<typeof tokenHeader>;
let cartId: string;
let token: string;
let storeA: string;
let storeB: string;

beforeAll(async () => {
  server = await createTestServer({ plugins: [inventoryPlugin(), shippingPlugin(), cartPlugin()], clock });
  const a = await variantOf(server, { price: 50000, stock: 10 });
  const b = await variantOf(server, { price: 20000, stock: 10 });
  storeA = a.storeId;
  storeB = b.storeId;
  for (const storeId of [storeA, storeB]) {
    await storeSession(server, storeId).shipping.updateShippingSettings({
      body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: storeId === storeA ? 15000 : 9000 }, weightTable: null, biteship: null },
    });
  }
  const created = await server.client().cart.createCart({ body: {} });
  cartId = created.id;
  token = created.token as string;
  guest = server.client();
  headers = tokenHeader(token);
  await guest.cart.addCartLine({ params: { cartId }, headers, body: { variantId: a.variantId, quantity: 2 } });
  await guest.cart.addCartLine({ params: { cartId }, headers, body: { variantId: b.variantId, quantity: 1 } });
});
afterAll(async () => {
  await server?.close();
});

const quote = async (storeId: string, weight: number) =>
  (
    await server
      .client()
      .shipping.quoteShippingRates({ body: { storeId, destination: { postalCode: '12190' }, items: [{ weight, quantity: 1 }], currency: 'IDR' } })
  ).options[0]?.optionId as string;

describe('choosing shipping per store', () => {
  test('the chosen option’s amount, read from the shipping service, is in the store’s and the cart’s totals', async () => {
    const before = await guest.cart.getCart({ params: { cartId }, headers });
    expect(before.totals.shipping).toBeNull();
    const cart = await guest.cart.selectCartShipping({ params: { cartId, storeId: storeA }, headers, body: { optionId: await quote(storeA, 500) } });
    const a = cart.stores.find((store) => store.storeId === storeA);
    expect(a?.totals.shipping).toEqual({ amount: 15000, currency: 'IDR' });
    expect(a?.totals.total.amount).toBe(100000 + 15000);
    expect(cart.totals.shipping).toEqual({ amount: 15000, currency: 'IDR' });
    expect(cart.totals.total.amount).toBe(before.totals.total.amount + 15000);
    const both = await guest.cart.selectCartShipping({ params: { cartId, storeId: storeB }, headers, body: { optionId: await quote(storeB, 250) } });
    expect(both.totals.shipping).toEqual({ amount: 24000, currency: 'IDR' });
    const checkout = await server.client({ serviceCredential: () => server.tokens.signServiceToken('order') }).cart.getCheckoutCart({ params: { cartId } });
    expect(checkout.shipping.map((choice) => [choice.storeId, choice.amount.amount]).sort()).toEqual(
      [
        [storeA, 15000],
        [storeB, 9000],
      ].sort(),
    );
  });

  test('another store’s option, an unknown or expired one, or a store not in the cart is refused; another shopper gets 404', async () => {
    await expectProblem(
      guest.cart.selectCartShipping({ params: { cartId, storeId: storeA }, headers, body: { optionId: await quote(storeB, 250) } }),
      422,
      'CART_SHIPPING_OPTION_INVALID',
    );
    await expectProblem(
      guest.cart.selectCartShipping({ params: { cartId, storeId: storeA }, headers, body: { optionId: newId('shq') } }),
      422,
      'CART_SHIPPING_OPTION_INVALID',
    );
    const elsewhere = newId('sto');
    await expectProblem(
      guest.cart.selectCartShipping({ params: { cartId, storeId: elsewhere }, headers, body: { optionId: await quote(storeA, 250) } }),
      422,
      'CART_SHIPPING_OPTION_INVALID',
    );
    const stale = await quote(storeA, 500);
    clock.advance(31 * 60_000);
    await expectProblem(
      guest.cart.selectCartShipping({ params: { cartId, storeId: storeA }, headers, body: { optionId: stale } }),
      422,
      'CART_SHIPPING_OPTION_INVALID',
    );
    await expectProblem(
      guest.cart.selectCartShipping({ params: { cartId, storeId: storeA }, headers: tokenHeader(`${token}x`), body: { optionId: await quote(storeA, 500) } }),
      404,
      'CART_NOT_FOUND',
    );
  });

  test('a parcel heavier than quoted drops the choice until a new one is made', async () => {
    const lines = (await guest.cart.getCart({ params: { cartId }, headers })).stores.find((store) => store.storeId === storeA)?.lines ?? [];
    const heavier = await guest.cart.updateCartLine({ params: { cartId, lineId: lines[0]?.id as string }, headers, body: { quantity: 3 } });
    expect(heavier.stores.find((store) => store.storeId === storeA)?.totals.shipping).toBeNull();
    expect(heavier.totals.shipping).toEqual({ amount: 9000, currency: 'IDR' });
  });
});
