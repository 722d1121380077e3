import { newId } from '@tokobapak/server';
import { expectProblem, expectProblemResponse, type ManualClock, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInSettings, callers, jakarta, startServer } from './support.js';

let server: TestServer;
let clock: ManualClock;
let as: ReturnType<typeof callers>;
const STORE_A = newId('sto');
const STORE_B = newId('sto');

beforeAll(async () => {
  ({ server, clock } = await startServer());
  as = callers(server);
  await as.store(STORE_A).shipping.updateShippingSettings({ body: builtInSettings() });
});
afterAll(async () => {
  await server?.close();
});

const parcel = (weight: number, quantity = 1) => [{ name: 'Kopi', weight, quantity }];

describe('store settings', () => {
  test('a store reads and replaces its own settings; another store sees only its own defaults', async () => {
    const own = await as.store(STORE_A, 'staff').shipping.getShippingSettings();
    expect(own).toMatchObject({ storeId: STORE_A, currency: 'IDR', flatRate: { amount: 15000 }, quoteTtlSeconds: 1800 });
    expect(own.updatedAt).not.toBeNull();
    const other = await as.store(STORE_B).shipping.getShippingSettings();
    expect(other).toEqual({ storeId: STORE_B, currency: 'IDR', flatRate: null, weightTable: null, biteship: null, quoteTtlSeconds: 1800, updatedAt: null });
  });

  test('only managers change them; a customer outside a store and a guest are refused', async () => {
    await expectProblem(as.store(STORE_B, 'staff').shipping.updateShippingSettings({ body: builtInSettings() }), 403, 'FORBIDDEN');
    await expectProblem(as.customer().shipping.getShippingSettings(), 403, 'STORE_CONTEXT_REQUIRED');
    await expectProblem(as.guest().shipping.getShippingSettings(), 401, 'UNAUTHENTICATED');
  });

  test('brackets out of order, an empty zone and Biteship without an account are refused, pointing at each', async () => {
    const body = builtInSettings({
      weightTable: {
        name: 'x',
        brackets: [
          { upToGrams: 2000, amount: 1 },
          { upToGrams: 2000, amount: 2 },
        ],
      },
      flatRate: { name: 'y', amount: 1, zones: [{ name: 'nowhere', amount: 5 }] },
      biteship: { couriers: ['jne'], origin: { postalCode: '10110', contactName: 'Toko', contactPhone: '+6281111111111', address: 'Jl. Merdeka 1' } },
    });
    const problem = await expectProblem(as.store(STORE_B).shipping.updateShippingSettings({ body }), 400, 'SHIPPING_INVALID_SETTINGS');
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(['#/biteship', '#/flatRate/zones/0', '#/weightTable/brackets/1/upToGrams']);
    expect((await as.store(STORE_B).shipping.getShippingSettings()).updatedAt).toBeNull();
  });
});

describe('quotes', () => {
  test('each enabled provider gives an option, cheapest first, with a stored price', async () => {
    const { options } = await as
      .guest()
      .shipping.quoteShippingRates({ body: { storeId: STORE_A, destination: jakarta(), items: parcel(400, 2), currency: 'IDR' } });
    expect(options.map((option) => [option.provider, option.amount.amount])).toEqual([
      ['weight-table', 10000],
      ['flat-rate', 15000],
    ]);
    expect(options[1]).toMatchObject({ service: 'standard', name: 'Kirim rata', estimatedDays: { min: 2, max: 4 } });
    const quote = await as.guest().shipping.getShippingQuote({ params: { optionId: options[0]?.optionId as string } });
    expect(quote).toMatchObject({ storeId: STORE_A, provider: 'weight-table', amount: { amount: 10000, currency: 'IDR' }, postalCode: '12190', weight: 800 });
  });

  test('zones by province and by postal prefix; a parcel heavier than every bracket gets no weight option', async () => {
    const papua = await as.guest().shipping.quoteShippingRates({
      body: { storeId: STORE_A, destination: jakarta({ region: 'papua', postalCode: '55111' }), items: parcel(100), currency: 'IDR' },
    });
    expect(papua.options.find((option) => option.provider === 'flat-rate')?.amount.amount).toBe(30000);
    const medan = await as.guest().shipping.quoteShippingRates({
      body: { storeId: STORE_A, destination: jakarta({ region: 'Sumatera Utara', postalCode: '20111' }), items: parcel(3000), currency: 'IDR' },
    });
    expect(medan.options.map((option) => [option.provider, option.amount.amount])).toEqual([
      ['flat-rate', 15000],
      ['weight-table', 40000],
    ]);
    const heavy = await as.guest().shipping.quoteShippingRates({ body: { storeId: STORE_A, destination: jakarta(), items: parcel(6000), currency: 'IDR' } });
    expect(heavy.options.map((option) => option.provider)).toEqual(['flat-rate']);
  });

  test('a store without settings offers nothing; another currency is refused', async () => {
    expect(await as.guest().shipping.quoteShippingRates({ body: { storeId: STORE_B, destination: jakarta(), items: parcel(100), currency: 'IDR' } })).toEqual({
      storeId: STORE_B,
      options: [],
    });
    await expectProblem(
      as.guest().shipping.quoteShippingRates({ body: { storeId: STORE_A, destination: jakarta(), items: parcel(100), currency: 'USD' } }),
      422,
      'SHIPPING_CURRENCY_MISMATCH',
    );
  });

  test('weights of 0 and 10^12 grams, and an empty parcel, are 400 naming the field', async () => {
    for (const [items, pointer] of [
      [parcel(0), '/items/0/weight'],
      [parcel(10 ** 12), '/items/0/weight'],
      [parcel(100, 0), '/items/0/quantity'],
      [[], '/items'],
    ] as const) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/shipping/quotes',
        payload: { storeId: STORE_A, destination: jakarta(), items, currency: 'IDR' },
      });
      const problem = expectProblemResponse(response, 400, 'VALIDATION_FAILED');
      expect(problem.errors?.map((error) => error.pointer).join(' ')).toContain(pointer);
    }
  });

  test('without a Biteship account its webhook is 404', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/shipping/webhooks/biteship', payload: { event: 'order.status', order_id: 'x' } });
    expectProblemResponse(response, 404, 'SHIPPING_PROVIDER_NOT_FOUND');
  });

  test('an unknown option is 404 and an expired one 410', async () => {
    await expectProblem(as.guest().shipping.getShippingQuote({ params: { optionId: newId('shq') } }), 404, 'SHIPPING_QUOTE_NOT_FOUND');
    const { options } = await as
      .guest()
      .shipping.quoteShippingRates({ body: { storeId: STORE_A, destination: jakarta(), items: parcel(100), currency: 'IDR' } });
    const optionId = options[0]?.optionId as string;
    clock.advance(1801_000);
    await expectProblem(as.guest().shipping.getShippingQuote({ params: { optionId } }), 410, 'SHIPPING_QUOTE_EXPIRED');
  });
});
