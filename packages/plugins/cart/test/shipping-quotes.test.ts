import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import type { CartComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, customerSession, expectProblem, manualClock, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cartPlugin } from '../src/index.js';
import { tokenHeader, variantOf } from './support.js';

// Store A: a weight table (8000 up to 1 kg, 20000 up to 5 kg) beside a flat 15000; store B: flat
// 9000; store C: no shipping set up. Every variant weighs 250 g.
let server: TestServer;
const clock = manualClock();
let storeA: string;
let storeB: string;
let storeC: string;
const variants: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
const JAKARTA = { postalCode: '12190' };

beforeAll(async () => {
  server = await createTestServer({ plugins: [inventoryPlugin(), shippingPlugin(), cartPlugin()], clock });
  const a = await variantOf(server, { price: 50000, stock: 100 });
  const b = await variantOf(server, { price: 20000, stock: 100 });
  const c = await variantOf(server, { price: 10000, stock: 100 });
  [storeA, storeB, storeC] = [a.storeId, b.storeId, c.storeId];
  Object.assign(variants, { a: a.variantId, b: b.variantId, c: c.variantId });
  await storeSession(server, storeA).shipping.updateShippingSettings({
    body: {
      currency: 'IDR',
      flatRate: { name: 'Kirim rata', amount: 15000 },
      weightTable: {
        name: 'Menurut berat',
        brackets: [
          { upToGrams: 1000, amount: 8000 },
          { upToGrams: 5000, amount: 20000 },
        ],
      },
      biteship: null,
    },
  });
  await storeSession(server, storeB).shipping.updateShippingSettings({
    body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 9000 }, weightTable: null, biteship: null },
  });
});
afterAll(async () => {
  await server?.close();
});

/** A guest cart with a line of each store (A twice as many), and its client and token header. */
async function guestCart(stores: Array<'a' | 'b' | 'c'> = ['a', 'b', 'c']) {
  const created = await server.client().cart.createCart({ body: {} });
  const headers = tokenHeader(created.token);
  const guest = server.client();
  for (const store of stores) {
    await guest.cart.addCartLine({ params: { cartId: created.id }, headers, body: { variantId: variants[store], quantity: store === 'a' ? 2 : 1 } });
  }
  return { cartId: created.id, headers, guest };
}

type Quoted = CartComponents['schemas']['CartShippingQuotes'];

/** One store's entry of a cart's quote. */
const storeOf = (answer: Quoted, storeId: string) => answer.stores.find((store) => store.storeId === storeId) as Quoted['stores'][number];

describe('quoting the whole cart in one request', () => {
  test('every store is quoted from the cart’s own weights, cheapest first; a store without shipping has no options; nothing is chosen', async () => {
    const { cartId, headers, guest } = await guestCart();
    const quoted = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA } });
    expect(quoted.stores.map((store) => store.storeId)).toEqual([storeA, storeB, storeC]);
    expect(quoted.cart).toBeNull();
    const a = storeOf(quoted, storeA);
    expect(a.weight).toBe(500);
    expect(a.options.map((option) => [option.provider, option.amount.amount])).toEqual([
      ['weight-table', 8000],
      ['flat-rate', 15000],
    ]);
    expect(storeOf(quoted, storeB).options.map((option) => option.amount.amount)).toEqual([9000]);
    expect(storeOf(quoted, storeC)).toMatchObject({ weight: 250, options: [], chosenOptionId: null });
    expect(quoted.stores.every((store) => store.chosenOptionId === null)).toBe(true);
    // The options are the shipping service's own quotes, for the weight the cart weighed.
    const stored = await server.client().shipping.getShippingQuote({ params: { optionId: a.options[0]?.optionId as string } });
    expect(stored).toMatchObject({ storeId: storeA, weight: 500, postalCode: '12190', amount: { amount: 8000 } });
    expect((await guest.cart.getCart({ params: { cartId }, headers })).totals.shipping).toBeNull();
    // They can be chosen as any quote can.
    const chosen = await guest.cart.selectCartShipping({ params: { cartId, storeId: storeA }, headers, body: { optionId: a.options[1]?.optionId as string } });
    expect(chosen.totals.shipping).toEqual({ amount: 15000, currency: 'IDR' });
  });

  test('choose "cheapest" chooses each store’s cheapest option in one change and answers the priced cart; a choice that holds is kept', async () => {
    const { cartId, headers, guest } = await guestCart();
    const answer = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    const a = storeOf(answer, storeA);
    const b = storeOf(answer, storeB);
    expect(a.chosenOptionId).toBe(a.options[0]?.optionId);
    expect(b.chosenOptionId).toBe(b.options[0]?.optionId);
    expect(storeOf(answer, storeC).chosenOptionId).toBeNull();
    expect(answer.cart?.totals.shipping).toEqual({ amount: 8000 + 9000, currency: 'IDR' });
    expect(answer.cart?.stores.find((store) => store.storeId === storeA)?.totals.shipping).toEqual({ amount: 8000, currency: 'IDR' });
    expect(answer.cart?.stores.find((store) => store.storeId === storeC)?.totals.shipping).toBeNull();
    const checkout = await serviceClient(server, 'order').cart.getCheckoutCart({ params: { cartId } });
    expect(checkout.shipping.map((choice) => [choice.storeId, choice.optionId]).sort()).toEqual(
      [
        [storeA, a.chosenOptionId],
        [storeB, b.chosenOptionId],
      ].sort(),
    );
    // Asked again: the choices still hold, so they stay and nothing is written.
    clock.advance(1000);
    const again = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    expect(storeOf(again, storeA).chosenOptionId).toBe(a.chosenOptionId);
    expect(storeOf(again, storeB).chosenOptionId).toBe(b.chosenOptionId);
    expect(again.cart?.updatedAt).toBe(answer.cart?.updatedAt);
    expect(again.cart?.totals).toEqual(answer.cart?.totals);
    // Without `choose` the holding choice is named too.
    const quoted = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA } });
    expect(storeOf(quoted, storeA).chosenOptionId).toBe(a.chosenOptionId);
  });

  test('a stale choice (heavier parcel, another postal code, expired quote) is replaced by the cheapest for now', async () => {
    const { cartId, headers, guest } = await guestCart(['a', 'b']);
    const first = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    const lineA = first.cart?.stores.find((store) => store.storeId === storeA)?.lines[0]?.id as string;
    // 6 × 250 g = 1.5 kg: past the 1 kg bracket, so the flat rate is cheapest now.
    await guest.cart.updateCartLine({ params: { cartId, lineId: lineA }, headers, body: { quantity: 6 } });
    const heavier = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    const a = storeOf(heavier, storeA);
    expect(a.weight).toBe(1500);
    expect(a.chosenOptionId).not.toBe(storeOf(first, storeA).chosenOptionId);
    expect(a.options[0]).toMatchObject({ provider: 'flat-rate', optionId: a.chosenOptionId });
    // B's choice still held: kept.
    expect(storeOf(heavier, storeB).chosenOptionId).toBe(storeOf(first, storeB).chosenOptionId);
    expect(heavier.cart?.totals.shipping).toEqual({ amount: 15000 + 9000, currency: 'IDR' });

    const elsewhere = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: { postalCode: '80361' }, choose: 'cheapest' } });
    expect(storeOf(elsewhere, storeA).chosenOptionId).not.toBe(a.chosenOptionId);
    expect(storeOf(elsewhere, storeB).chosenOptionId).not.toBe(storeOf(first, storeB).chosenOptionId);
    const chosenThere = await server.client().shipping.getShippingQuote({ params: { optionId: storeOf(elsewhere, storeB).chosenOptionId as string } });
    expect(chosenThere.postalCode).toBe('80361');

    clock.advance(31 * 60_000);
    const later = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: { postalCode: '80361' }, choose: 'cheapest' } });
    expect(storeOf(later, storeB).chosenOptionId).not.toBe(storeOf(elsewhere, storeB).chosenOptionId);
    expect(later.cart?.totals.shipping).toEqual({ amount: 15000 + 9000, currency: 'IDR' });
  });

  test('a choice that no longer holds, where the store now offers nothing, is taken off: the cart stops counting it', async () => {
    // A store of its own, whose shipping is turned off after the shopper chose.
    const d = await variantOf(server, { price: 30000, stock: 10 });
    const merchant = storeSession(server, d.storeId);
    await merchant.shipping.updateShippingSettings({
      body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 11000 }, weightTable: null, biteship: null },
    });
    const { cartId, headers, guest } = await guestCart(['b']);
    await guest.cart.addCartLine({ params: { cartId }, headers, body: { variantId: d.variantId, quantity: 1 } });
    const first = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    expect(first.cart?.totals.shipping).toEqual({ amount: 9000 + 11000, currency: 'IDR' });
    await merchant.shipping.updateShippingSettings({ body: { currency: 'IDR', flatRate: null, weightTable: null, biteship: null } });

    // Asked for the same destination, the choice still holds (the quote is kept): nothing changes.
    const same = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    expect(storeOf(same, d.storeId).chosenOptionId).toBe(storeOf(first, d.storeId).chosenOptionId);
    // Elsewhere it does not, and the store has nothing to offer: the choice goes, B's is replaced.
    const elsewhere = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: { postalCode: '80361' }, choose: 'cheapest' } });
    expect(storeOf(elsewhere, d.storeId)).toMatchObject({ options: [], chosenOptionId: null });
    expect(elsewhere.cart?.totals.shipping).toEqual({ amount: 9000, currency: 'IDR' });
    expect(elsewhere.cart?.stores.find((store) => store.storeId === d.storeId)?.totals.shipping).toBeNull();
    const read = await guest.cart.getCart({ params: { cartId }, headers });
    expect(read.totals).toEqual(elsewhere.cart?.totals);
    // A quote without `choose` changes nothing.
    const looked = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA } });
    expect(looked.cart).toBeNull();
  });

  test('a customer quotes their own cart; another customer, a wrong token or no credential are refused', async () => {
    const userId = newId('usr');
    const customer = customerSession(server, userId);
    const cart = await customer.cart.createCart({ body: {} });
    await customer.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId: variants.b, quantity: 1 } });
    const own = await customer.cart.quoteCartShipping({ params: { cartId: cart.id }, body: { destination: JAKARTA, choose: 'cheapest' } });
    expect(own.cart?.totals.shipping).toEqual({ amount: 9000, currency: 'IDR' });
    await expectProblem(
      customerSession(server).cart.quoteCartShipping({ params: { cartId: cart.id }, body: { destination: JAKARTA, choose: 'cheapest' } }),
      404,
      'CART_NOT_FOUND',
    );
    const { cartId, headers } = await guestCart(['b']);
    await expectProblem(server.client().cart.quoteCartShipping({ params: { cartId }, body: { destination: JAKARTA } }), 401, 'CART_TOKEN_REQUIRED');
    await expectProblem(
      server.client().cart.quoteCartShipping({ params: { cartId }, headers: tokenHeader(`${headers['X-Cart-Token']}x`), body: { destination: JAKARTA } }),
      404,
      'CART_NOT_FOUND',
    );
    await expectProblem(
      customer.cart.selectCartShippingOptions({ params: { cartId }, body: { choices: [{ storeId: storeB, optionId: newId('shq') }] } }),
      404,
      'CART_NOT_FOUND',
    );
    // The shipping service's several-store quote is for services only.
    const parcels = [{ storeId: storeB, items: [{ weight: 250, quantity: 1 }] }];
    await expectProblem(
      server.client().shipping.quoteShippingRatesForStores({ body: { destination: JAKARTA, currency: 'IDR', parcels } }),
      401,
      'UNAUTHENTICATED',
    );
  });

  test('bad input is a 400 and changes nothing', async () => {
    const { cartId, headers, guest } = await guestCart(['a', 'b']);
    const raw = server.client();
    for (const body of [
      {},
      { destination: {} },
      { destination: { postalCode: '!' } },
      { destination: JAKARTA, choose: 'fastest' },
      { destination: JAKARTA, extra: true },
    ]) {
      await expectProblem(raw.cart.quoteCartShipping({ params: { cartId }, headers, body: body as never }), 400, 'VALIDATION_FAILED');
    }
    const quoted = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA } });
    const a = storeOf(quoted, storeA).options[0]?.optionId as string;
    const b = storeOf(quoted, storeB).options[0]?.optionId as string;
    const twice = await expectProblem(
      guest.cart.selectCartShippingOptions({
        params: { cartId },
        headers,
        body: {
          choices: [
            { storeId: storeA, optionId: a },
            { storeId: storeA, optionId: a },
          ],
        },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(twice.errors?.[0]?.pointer).toBe('/body/choices/1/storeId');
    // One option of another store refuses them all.
    const wrong = await expectProblem(
      guest.cart.selectCartShippingOptions({
        params: { cartId },
        headers,
        body: {
          choices: [
            { storeId: storeA, optionId: a },
            { storeId: storeB, optionId: a },
          ],
        },
      }),
      422,
      'CART_SHIPPING_OPTION_INVALID',
    );
    expect(wrong.errors?.[0]?.pointer).toBe('/body/choices/1/optionId');
    await expectProblem(raw.cart.selectCartShippingOptions({ params: { cartId }, headers, body: { choices: [] } as never }), 400, 'VALIDATION_FAILED');
    expect((await guest.cart.getCart({ params: { cartId }, headers })).totals.shipping).toBeNull();
    // Both at once: one change.
    const both = await guest.cart.selectCartShippingOptions({
      params: { cartId },
      headers,
      body: {
        choices: [
          { storeId: storeA, optionId: a },
          { storeId: storeB, optionId: b },
        ],
      },
    });
    expect(both.totals.shipping).toEqual({ amount: 8000 + 9000, currency: 'IDR' });
  });

  test('a cart of more stores than one shipping call takes is quoted and chosen whole', async () => {
    const created = await server.client().cart.createCart({ body: {} });
    const headers = tokenHeader(created.token);
    const guest = server.client();
    const stores: string[] = [];
    for (let index = 0; index < 52; index += 1) {
      const { storeId, variantId } = await variantOf(server, { price: 1000, stock: 5 });
      await storeSession(server, storeId).shipping.updateShippingSettings({
        body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 1000 + index }, weightTable: null, biteship: null },
      });
      await guest.cart.addCartLine({ params: { cartId: created.id }, headers, body: { variantId, quantity: 1 } });
      stores.push(storeId);
    }
    const answer = await guest.cart.quoteCartShipping({ params: { cartId: created.id }, headers, body: { destination: JAKARTA, choose: 'cheapest' } });
    expect(answer.stores.map((store) => store.storeId)).toEqual(stores);
    expect(answer.stores.every((store) => store.options.length === 1 && store.chosenOptionId === store.options[0]?.optionId)).toBe(true);
    expect(answer.cart?.totals.shipping?.amount).toBe(stores.reduce((sum, _store, index) => sum + 1000 + index, 0));
  });

  test('concurrent quotes-and-choices and choices of one cart leave one valid choice per store', async () => {
    const { cartId, headers, guest } = await guestCart(['a', 'b']);
    const quoted = await guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA } });
    const expensiveA = storeOf(quoted, storeA).options[1]?.optionId as string;
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => guest.cart.quoteCartShipping({ params: { cartId }, headers, body: { destination: JAKARTA, choose: 'cheapest' } })),
      ...Array.from({ length: 3 }, () =>
        guest.cart.selectCartShippingOptions({ params: { cartId }, headers, body: { choices: [{ storeId: storeA, optionId: expensiveA }] } }),
      ),
    ]);
    for (const result of results) {
      // Each either succeeded or gave way with CART_CONFLICT, having written nothing.
      if (result.status === 'rejected') expect((result.reason as { problem?: { code?: string } }).problem?.code).toBe('CART_CONFLICT');
    }
    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    const checkout = await serviceClient(server, 'order').cart.getCheckoutCart({ params: { cartId } });
    expect(checkout.shipping.map((choice) => choice.storeId).sort()).toEqual([storeA, storeB].sort());
    for (const choice of checkout.shipping) {
      const stored = await server.client().shipping.getShippingQuote({ params: { optionId: choice.optionId } });
      expect(stored.storeId).toBe(choice.storeId);
      expect(stored.amount).toEqual(choice.amount);
    }
    const cart = await guest.cart.getCart({ params: { cartId }, headers });
    expect(cart.totals.shipping?.amount).toBe(checkout.shipping.reduce((sum, choice) => sum + choice.amount.amount, 0));
  });
});
