import { newId } from '@tokobapak/server';
import { expectProblem, type ManualClock, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInSettings, callers, jakarta, type Schemas, startServer } from './support.js';

let server: TestServer;
let clock: ManualClock;
let as: ReturnType<typeof callers>;
const STORE_A = newId('sto');
const STORE_B = newId('sto');
const CUSTOMER = newId('usr');

beforeAll(async () => {
  ({ server, clock } = await startServer());
  as = callers(server);
  await as.store(STORE_A).shipping.updateShippingSettings({ body: builtInSettings() });
  await as.store(STORE_B).shipping.updateShippingSettings({ body: builtInSettings() });
});
afterAll(async () => {
  await server?.close();
});

const items = [{ name: 'Kopi Gayo', weight: 250, quantity: 2, value: 85000 }];

async function flatOption(storeId = STORE_A): Promise<string> {
  const { options } = await as.guest().shipping.quoteShippingRates({ body: { storeId, destination: jakarta(), items, currency: 'IDR' } });
  return options.find((option) => option.provider === 'flat-rate')?.optionId as string;
}

function shipmentInput(optionId: string, overrides: Partial<Schemas['ShipmentInput']> = {}): Schemas['ShipmentInput'] {
  return { reference: newId('ord'), storeId: STORE_A, optionId, customerId: CUSTOMER, destination: jakarta(), items, ...overrides };
}

describe('creating a shipment', () => {
  test('only services may; the shipment carries the quoted price and a tracking number', async () => {
    const optionId = await flatOption();
    await expectProblem(as.customer(CUSTOMER).shipping.createShipment({ body: shipmentInput(optionId) }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    await expectProblem(as.guest().shipping.createShipment({ body: shipmentInput(optionId) }), 401, 'UNAUTHENTICATED');
    const shipment = await as.order().shipping.createShipment({ body: shipmentInput(optionId) });
    expect(shipment).toMatchObject({
      storeId: STORE_A,
      customerId: CUSTOMER,
      optionId,
      provider: 'flat-rate',
      amount: { amount: 15000, currency: 'IDR' },
      status: 'pending',
    });
    expect(shipment.id).toMatch(/^shp_[0-9a-z]{26}$/);
    expect(shipment.trackingNumber).toMatch(/^TB[0-9A-F]{12}$/);
    expect(shipment.history).toEqual([expect.objectContaining({ status: 'pending', source: 'system' })]);
  });

  test('the same reference 10 times at once makes one shipment and one event', async () => {
    const input = shipmentInput(await flatOption());
    const results = await Promise.all(Array.from({ length: 10 }, () => as.order().shipping.createShipment({ body: input })));
    expect(new Set(results.map((shipment) => shipment.id)).size).toBe(1);
    expect(new Set(results.map((shipment) => shipment.trackingNumber)).size).toBe(1);
    const events = await outboxEvents(server, ['shipping.shipment-updated'], { subject: results[0]?.id as string });
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ reference: input.reference, storeId: STORE_A, customerId: CUSTOMER, status: 'pending', previousStatus: null });
  });

  test('the quote must be this store’s, for this destination and at least this weight', async () => {
    const optionId = await flatOption();
    await expectProblem(as.order().shipping.createShipment({ body: shipmentInput(newId('shq')) }), 404, 'SHIPPING_QUOTE_NOT_FOUND');
    await expectProblem(as.order().shipping.createShipment({ body: shipmentInput(optionId, { storeId: STORE_B }) }), 404, 'SHIPPING_QUOTE_NOT_FOUND');
    await expectProblem(
      as.order().shipping.createShipment({ body: shipmentInput(optionId, { destination: jakarta({ postalCode: '99111' }) }) }),
      409,
      'SHIPPING_QUOTE_MISMATCH',
    );
    await expectProblem(
      as.order().shipping.createShipment({ body: shipmentInput(optionId, { items: [{ weight: 250, quantity: 3 }] }) }),
      409,
      'SHIPPING_QUOTE_MISMATCH',
    );
    // Nothing of those refusals was kept: the reference is still free.
    const input = shipmentInput(optionId, { items: [{ weight: 100, quantity: 1 }] });
    expect((await as.order().shipping.createShipment({ body: input })).weight).toBe(100);
    await expectProblem(as.order().shipping.createShipment({ body: { ...input, optionId: await flatOption() } }), 409, 'SHIPPING_REFERENCE_CONFLICT');
  });

  test('a quote can be shipped after it can no longer be chosen, but not after 30 days', async () => {
    const optionId = await flatOption();
    clock.advance(2 * 3600_000);
    await expectProblem(as.guest().shipping.getShippingQuote({ params: { optionId } }), 410, 'SHIPPING_QUOTE_EXPIRED');
    await expect(as.order().shipping.createShipment({ body: shipmentInput(optionId) })).resolves.toMatchObject({ status: 'pending' });
    const old = await flatOption();
    clock.advance(31 * 86_400_000);
    await expectProblem(as.order().shipping.createShipment({ body: shipmentInput(old) }), 410, 'SHIPPING_QUOTE_EXPIRED');
  });
});

describe('tracking', () => {
  test('the order’s customer, the store and services read a shipment; another customer and another store get 404', async () => {
    const shipment = await as.order().shipping.createShipment({ body: shipmentInput(await flatOption()) });
    const params = { shipmentId: shipment.id };
    await expect(as.customer(CUSTOMER).shipping.getShipment({ params })).resolves.toMatchObject({ id: shipment.id });
    await expect(as.store(STORE_A, 'staff').shipping.getShipment({ params })).resolves.toMatchObject({ id: shipment.id });
    await expect(as.order().shipping.trackShipment({ params })).resolves.toMatchObject({ id: shipment.id, status: 'pending' });
    await expectProblem(as.customer().shipping.getShipment({ params }), 404, 'SHIPPING_SHIPMENT_NOT_FOUND');
    await expectProblem(as.store(STORE_B).shipping.getShipment({ params }), 404, 'SHIPPING_SHIPMENT_NOT_FOUND');
    await expectProblem(as.store(STORE_B).shipping.trackShipment({ params }), 404, 'SHIPPING_SHIPMENT_NOT_FOUND');
    await expectProblem(as.guest().shipping.getShipment({ params }), 401, 'UNAUTHENTICATED');
    const listed = await as.store(STORE_A).shipping.listStoreShipments({ query: { limit: 100 } });
    expect(listed.items.map((item) => item.id)).toContain(shipment.id);
    const others = await as.store(STORE_B).shipping.listStoreShipments({ query: { limit: 100 } });
    expect(others.items.map((item) => item.id)).not.toContain(shipment.id);
  });

  test('the store moves its own shipment forward only, with the courier’s number, and each change is an event', async () => {
    const shipment = await as.order().shipping.createShipment({ body: shipmentInput(await flatOption()) });
    const params = { shipmentId: shipment.id };
    await expectProblem(as.store(STORE_B).shipping.updateShipmentStatus({ params, body: { status: 'picked_up' } }), 404, 'SHIPPING_SHIPMENT_NOT_FOUND');
    const moved = await as
      .store(STORE_A, 'staff')
      .shipping.updateShipmentStatus({ params, body: { status: 'in_transit', trackingNumber: 'JNE0123456789', note: 'Diserahkan ke JNE' } });
    expect(moved).toMatchObject({ status: 'in_transit', trackingNumber: 'JNE0123456789' });
    expect(moved.history.map((entry) => [entry.status, entry.source, entry.note])).toEqual([
      ['pending', 'system', 'Booked'],
      ['in_transit', 'store', 'Diserahkan ke JNE'],
    ]);
    await expectProblem(as.store(STORE_A).shipping.updateShipmentStatus({ params, body: { status: 'picked_up' } }), 409, 'SHIPPING_STATUS_NOT_FORWARD');
    await as.store(STORE_A).shipping.updateShipmentStatus({ params, body: { status: 'delivered' } });
    await expectProblem(as.store(STORE_A).shipping.updateShipmentStatus({ params, body: { status: 'returned' } }), 409, 'SHIPPING_STATUS_NOT_FORWARD');
    const events = await outboxEvents(server, ['shipping.shipment-updated'], { subject: shipment.id });
    expect(events.map((event) => [event.data.previousStatus, event.data.status])).toEqual([
      [null, 'pending'],
      ['pending', 'in_transit'],
      ['in_transit', 'delivered'],
    ]);
    const delivered = await as.store(STORE_A).shipping.listStoreShipments({ query: { status: 'delivered' } });
    expect(delivered.items.map((item) => item.id)).toEqual([shipment.id]);
  });
});
