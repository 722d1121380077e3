import { newId } from '@tokobapak/server';
import { expectProblem, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInSettings, callers, jakarta, startServer } from './support.js';

let server: TestServer;
let as: ReturnType<typeof callers>;
const FLAT = newId('sto');
const BOTH = newId('sto');
const DOLLARS = newId('sto');
const NONE = newId('sto');

beforeAll(async () => {
  ({ server } = await startServer());
  as = callers(server);
  await as.store(FLAT).shipping.updateShippingSettings({ body: builtInSettings({ weightTable: null }) });
  await as.store(BOTH).shipping.updateShippingSettings({ body: builtInSettings() });
  await as.store(DOLLARS).shipping.updateShippingSettings({ body: builtInSettings({ currency: 'USD', weightTable: null }) });
});
afterAll(async () => {
  await server?.close();
});

const parcel = (storeId: string, weight: number, quantity = 1) => ({ storeId, items: [{ name: 'Kopi', weight, quantity }] });

describe('quoting several stores at once', () => {
  test('each parcel is quoted as quoteShippingRates quotes it, in the order asked; the options can be read back', async () => {
    const answer = await as.order().shipping.quoteShippingRatesForStores({
      body: { destination: jakarta(), currency: 'IDR', parcels: [parcel(BOTH, 400, 2), parcel(FLAT, 3000), parcel(NONE, 100), parcel(DOLLARS, 100)] },
    });
    expect(answer.stores.map((store) => store.storeId)).toEqual([BOTH, FLAT, NONE, DOLLARS]);
    const single = await as
      .guest()
      .shipping.quoteShippingRates({ body: { storeId: BOTH, destination: jakarta(), items: [{ name: 'Kopi', weight: 400, quantity: 2 }], currency: 'IDR' } });
    const shape = (options: typeof single.options) =>
      options.map(({ provider, service, name, amount, estimatedDays }) => ({ provider, service, name, amount, estimatedDays }));
    expect(shape(answer.stores[0]?.options ?? [])).toEqual(shape(single.options));
    expect(answer.stores[0]?.options.map((option) => option.amount.amount)).toEqual([10000, 15000]);
    expect(answer.stores[1]?.options.map((option) => option.amount.amount)).toEqual([15000]);
    // No shipping set up, or charged in another currency: no options (and no error for the others).
    expect(answer.stores[2]?.options).toEqual([]);
    expect(answer.stores[3]?.options).toEqual([]);
    const read = await as.guest().shipping.getShippingQuote({ params: { optionId: answer.stores[1]?.options[0]?.optionId as string } });
    expect(read).toMatchObject({ storeId: FLAT, weight: 3000, postalCode: '12190', amount: { amount: 15000, currency: 'IDR' } });
  });

  test('services only; a store named twice, or no parcel, is a 400', async () => {
    const body = { destination: jakarta(), currency: 'IDR', parcels: [parcel(FLAT, 100)] };
    await expectProblem(as.guest().shipping.quoteShippingRatesForStores({ body }), 401, 'UNAUTHENTICATED');
    await expectProblem(as.customer().shipping.quoteShippingRatesForStores({ body }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    const twice = await expectProblem(
      as.order().shipping.quoteShippingRatesForStores({ body: { ...body, parcels: [parcel(FLAT, 100), parcel(BOTH, 100), parcel(FLAT, 200)] } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(twice.errors?.[0]?.pointer).toBe('#/parcels/2/storeId');
    await expectProblem(as.order().shipping.quoteShippingRatesForStores({ body: { ...body, parcels: [] } }), 400, 'VALIDATION_FAILED');
  });

  test('the single-store quote still refuses another currency', async () => {
    await expectProblem(
      as.guest().shipping.quoteShippingRates({ body: { storeId: DOLLARS, destination: jakarta(), items: [{ weight: 100, quantity: 1 }], currency: 'IDR' } }),
      422,
      'SHIPPING_CURRENCY_MISMATCH',
    );
  });
});
