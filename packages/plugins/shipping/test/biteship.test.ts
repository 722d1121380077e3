import { newId } from '@tokobapak/server';
import { expectProblem, expectProblemResponse, type ManualClock, outboxEvents, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BITESHIP_WEBHOOK_HEADER } from '../src/index.js';
import { startFakeBiteship } from './fake-biteship.js';
import { builtInSettings, callers, jakarta, type Schemas, startServer } from './support.js';

const API_KEY = 'biteship_test.local-key';
const SECRET = 'webhook-secret-0123456789abcdef';

let biteship: Awaited<ReturnType<typeof startFakeBiteship>>;
let server: TestServer;
let clock: ManualClock;
let as: ReturnType<typeof callers>;
const STORE = newId('sto');
const CARRIER_ONLY = newId('sto');
const CUSTOMER = newId('usr');

const origin = { postalCode: '10110', contactName: 'Toko Bapak', contactPhone: '+6281111111111', address: 'Jl. Merdeka 1, Jakarta' };
const items = [{ name: 'Kopi Gayo', weight: 250, quantity: 2, value: 85000 }];

beforeAll(async () => {
  biteship = await startFakeBiteship(API_KEY);
  ({ server, clock } = await startServer({
    biteship: { apiKey: API_KEY, webhookSecret: SECRET, baseUrl: biteship.url, timeoutMs: 2000 },
    pollIntervalSeconds: 60,
  }));
  as = callers(server);
  await as.store(STORE).shipping.updateShippingSettings({ body: builtInSettings({ weightTable: null, biteship: { couriers: ['jne', 'sicepat'], origin } }) });
  await as
    .store(CARRIER_ONLY)
    .shipping.updateShippingSettings({ body: { currency: 'IDR', flatRate: null, weightTable: null, biteship: { couriers: ['jne'], origin } } });
});
afterAll(async () => {
  await server?.close();
  await biteship?.close();
});

async function biteshipOption(service = 'jne:reg', storeId = STORE): Promise<string> {
  const { options } = await as.guest().shipping.quoteShippingRates({ body: { storeId, destination: jakarta(), items, currency: 'IDR' } });
  return options.find((option) => option.service === service)?.optionId as string;
}

async function ship(optionId: string, overrides: Partial<Schemas['ShipmentInput']> = {}): Promise<Schemas['Shipment']> {
  return as.order().shipping.createShipment({
    body: { reference: newId('ord'), storeId: STORE, optionId, customerId: CUSTOMER, destination: jakarta(), items, ...overrides },
  });
}

function webhook(payload: unknown, secret: string | null = SECRET, provider = 'biteship') {
  return server.app.inject({
    method: 'POST',
    url: `/shipping/webhooks/${provider}`,
    headers: secret === null ? {} : { [BITESHIP_WEBHOOK_HEADER]: secret },
    payload: payload as Record<string, unknown>,
  });
}

const orderOf = (shipment: Schemas['Shipment']) => [...biteship.orders.values()].find((order) => order.referenceId === shipment.reference);

describe('rates', () => {
  test('Biteship’s couriers are offered beside the built-in options, cheapest first, priced by Biteship', async () => {
    const { options } = await as.guest().shipping.quoteShippingRates({ body: { storeId: STORE, destination: jakarta(), items, currency: 'IDR' } });
    expect(options.map((option) => [option.provider, option.service, option.amount.amount])).toEqual([
      ['biteship', 'jne:yes', 9000],
      ['flat-rate', 'standard', 15000],
      ['biteship', 'jne:reg', 18000],
      ['biteship', 'sicepat:best', 25000],
    ]);
    expect(options[2]).toMatchObject({ name: 'JNE Reguler', estimatedDays: { min: 2, max: 3 } });
    const sent = biteship.requests.filter((request) => request.path === '/v1/rates/couriers').at(-1);
    expect(sent?.authorization).toBe(API_KEY);
    expect(sent?.body).toMatchObject({
      origin_postal_code: 10110,
      destination_postal_code: 12190,
      couriers: 'jne,sicepat',
      items: [{ name: 'Kopi Gayo', weight: 250, quantity: 2, value: 85000 }],
    });
  });

  test('when Biteship is down the built-in options still come; a store that only uses Biteship gets 503', async () => {
    biteship.state.down = true;
    try {
      const { options } = await as.guest().shipping.quoteShippingRates({ body: { storeId: STORE, destination: jakarta(), items, currency: 'IDR' } });
      expect(options.map((option) => option.provider)).toEqual(['flat-rate']);
      await expectProblem(
        as.guest().shipping.quoteShippingRates({ body: { storeId: CARRIER_ONLY, destination: jakarta(), items, currency: 'IDR' } }),
        503,
        'SHIPPING_CARRIER_UNAVAILABLE',
      );
    } finally {
      biteship.state.down = false;
    }
  });
});

describe('shipments through Biteship', () => {
  test('10 concurrent creations of one order book one Biteship order; the waybill is the tracking number', async () => {
    const optionId = await biteshipOption();
    const reference = newId('ord');
    biteship.state.bookingDelayMs = 200;
    const before = biteship.requests.filter((request) => request.path === '/v1/orders').length;
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => ship(optionId, { reference })));
      expect(new Set(results.map((shipment) => shipment.id)).size).toBe(1);
      expect(biteship.requests.filter((request) => request.path === '/v1/orders').length - before).toBe(1);
      const order = orderOf(results[0] as Schemas['Shipment']);
      expect(results[0]).toMatchObject({
        provider: 'biteship',
        service: 'jne:reg',
        amount: { amount: 18000 },
        status: 'pending',
        trackingNumber: order?.waybillId,
      });
      const booked = biteship.requests.filter((request) => request.path === '/v1/orders').at(-1);
      expect(booked?.body).toMatchObject({
        courier_company: 'jne',
        courier_type: 'reg',
        reference_id: reference,
        origin_postal_code: 10110,
        destination_postal_code: 12190,
        destination_contact_phone: '+6281234567890',
      });
    } finally {
      biteship.state.bookingDelayMs = 0;
    }
  });

  test('a carrier refusal keeps nothing; the store cannot set a carrier shipment’s status', async () => {
    const optionId = await biteshipOption();
    const reference = newId('ord');
    const { phone: _phone, ...noPhone } = jakarta();
    await expectProblem(ship(optionId, { reference, destination: noPhone }), 422, 'SHIPPING_CARRIER_REJECTED');
    const shipment = await ship(optionId, { reference });
    await expectProblem(
      as.store(STORE).shipping.updateShipmentStatus({ params: { shipmentId: shipment.id }, body: { status: 'delivered' } }),
      409,
      'SHIPPING_STATUS_MANAGED_BY_CARRIER',
    );
  });
});

describe('webhooks', () => {
  test('a forged or missing secret is refused and changes nothing; a provider without webhooks is 400; a foreign payload 400', async () => {
    const shipment = await ship(await biteshipOption());
    const order = orderOf(shipment);
    const payload = { event: 'order.status', order_id: order?.id, status: 'delivered', courier_waybill_id: order?.waybillId };
    expectProblemResponse(await webhook(payload, 'x'.repeat(SECRET.length)), 401, 'SHIPPING_WEBHOOK_UNAUTHENTICATED');
    expectProblemResponse(await webhook(payload, null), 401, 'SHIPPING_WEBHOOK_UNAUTHENTICATED');
    expectProblemResponse(await webhook(payload, SECRET, 'flat-rate'), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await webhook(payload, SECRET, 'nope'), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await webhook({ hello: 'world' }), 400, 'SHIPPING_WEBHOOK_INVALID');
    expect((await as.order().shipping.getShipment({ params: { shipmentId: shipment.id } })).status).toBe('pending');
  });

  test('the dashboard’s installation check (an empty body, no signature pair) answers 200 and changes nothing; a payload without the pair is 401', async () => {
    const shipment = await ship(await biteshipOption());
    const order = orderOf(shipment);
    const empty = await server.app.inject({ method: 'POST', url: '/shipping/webhooks/biteship' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ applied: false });
    expect((await webhook({}, null)).json()).toEqual({ applied: false });
    // Anything with content needs the pair, even what looks like a check.
    expectProblemResponse(await webhook({ event: 'order.status', order_id: order?.id, status: 'delivered' }, null), 401, 'SHIPPING_WEBHOOK_UNAUTHENTICATED');
    expectProblemResponse(await webhook({ order_id: order?.id }, ''), 401, 'SHIPPING_WEBHOOK_UNAUTHENTICATED');
    const seen = await as.store(STORE).shipping.getShipment({ params: { shipmentId: shipment.id } });
    expect(seen.status).toBe('pending');
    expect(seen.history).toHaveLength(1);
    expect(await outboxEvents(server, ['shipping.shipment-updated'], { subject: shipment.id })).toHaveLength(1);
  });

  test('updates move the shipment forward once; replayed and late ones change nothing', async () => {
    const shipment = await ship(await biteshipOption());
    const order = orderOf(shipment);
    if (!order) throw new Error('no Biteship order');
    const update = (status: string) => ({ event: 'order.status', order_id: order.id, status, courier_waybill_id: order.waybillId, courier_company: 'jne' });
    /** Biteship moves the order, then tells us (a webhook is applied as Biteship reports the order when asked). */
    const moved = (status: string) => {
      order.status = status;
      return webhook(update(status));
    };

    expect((await moved('picked')).json()).toEqual({ applied: true });
    expect((await webhook(update('picked'))).json()).toEqual({ applied: false });
    expect((await moved('dropping_off')).json()).toEqual({ applied: true });
    expect((await moved('delivered')).json()).toEqual({ applied: true });
    // Late deliveries of earlier updates: Biteship says delivered, nothing moves back.
    expect((await webhook(update('dropping_off'))).json()).toEqual({ applied: false });
    expect((await webhook(update('cancelled'))).json()).toEqual({ applied: false });
    expect((await webhook({ event: 'order.waybill_id', order_id: order?.id, courier_waybill_id: 'OTHER123' })).json()).toEqual({ applied: false });
    expect((await webhook({})).json()).toEqual({ applied: false });
    expect(
      (await webhook(update('picked'), SECRET).then(() => webhook({ event: 'order.status', order_id: 'unknown-order', status: 'delivered' }))).json(),
    ).toEqual({
      applied: false,
    });

    const seen = await as.customer(CUSTOMER).shipping.getShipment({ params: { shipmentId: shipment.id } });
    expect(seen.status).toBe('delivered');
    expect(seen.trackingNumber).toBe(order?.waybillId);
    expect(seen.history.map((entry) => [entry.status, entry.source])).toEqual([
      ['pending', 'system'],
      ['picked_up', 'carrier-webhook'],
      ['in_transit', 'carrier-webhook'],
      ['delivered', 'carrier-webhook'],
    ]);
    const events = await outboxEvents(server, ['shipping.shipment-updated'], { subject: shipment.id });
    expect(events.map((event) => event.data.status)).toEqual(['pending', 'picked_up', 'in_transit', 'delivered']);
  });
});

describe('webhooks are confirmed with Biteship', () => {
  test('a pushed status Biteship does not report is not applied; the status applied is the one Biteship reports', async () => {
    const shipment = await ship(await biteshipOption());
    const order = orderOf(shipment);
    if (!order) throw new Error('no Biteship order');
    const seenBefore = biteship.requests.length;
    // The right secret, a made-up status: Biteship still says the order is only confirmed.
    const forged = await webhook({ event: 'order.status', order_id: order.id, status: 'delivered', courier_waybill_id: 'FAKE123' });
    expect(forged.json()).toEqual({ applied: false });
    expect(biteship.requests.slice(seenBefore).map((request) => `${request.method} ${request.path}`)).toEqual([`GET /v1/trackings/${order.trackingId}`]);
    const untouched = await as.store(STORE).shipping.getShipment({ params: { shipmentId: shipment.id } });
    expect(untouched.status).toBe('pending');
    expect(untouched.trackingNumber).toBe(order.waybillId);
    expect(await outboxEvents(server, ['shipping.shipment-updated'], { subject: shipment.id })).toHaveLength(1);

    // A push that lags behind Biteship (it says picked, Biteship already says dropping off): Biteship's word is applied.
    order.status = 'dropping_off';
    expect((await webhook({ event: 'order.status', order_id: order.id, status: 'picked' })).json()).toEqual({ applied: true });
    const moved = await as.store(STORE).shipping.getShipment({ params: { shipmentId: shipment.id } });
    expect(moved.status).toBe('in_transit');
    expect(moved.history.at(-1)).toMatchObject({ status: 'in_transit', source: 'carrier-webhook', note: 'Status dropping_off' });
  });

  test('Biteship down: the delivery is refused with 503 (Biteship retries it) and nothing is applied; an unknown order asks Biteship nothing', async () => {
    const shipment = await ship(await biteshipOption());
    const order = orderOf(shipment);
    if (!order) throw new Error('no Biteship order');
    order.status = 'picked';
    biteship.state.down = true;
    try {
      expectProblemResponse(await webhook({ event: 'order.status', order_id: order.id, status: 'picked' }), 503, 'SHIPPING_CARRIER_UNAVAILABLE');
    } finally {
      biteship.state.down = false;
    }
    expect((await as.store(STORE).shipping.getShipment({ params: { shipmentId: shipment.id } })).status).toBe('pending');
    // Redelivered once Biteship answers: applied.
    expect((await webhook({ event: 'order.status', order_id: order.id, status: 'picked' })).json()).toEqual({ applied: true });

    const seenBefore = biteship.requests.length;
    expect((await webhook({ event: 'order.status', order_id: 'not-one-of-ours', status: 'delivered' })).json()).toEqual({ applied: false });
    expect(biteship.requests.length).toBe(seenBefore);
  });
});

describe('polling', () => {
  test('the scheduled job asks Biteship about open shipments and applies what changed', async () => {
    const shipment = await ship(await biteshipOption());
    const order = orderOf(shipment);
    if (!order) throw new Error('no Biteship order');
    order.status = 'dropping_off';
    clock.advance(61_000);
    await server.jobs.tick();
    const polled = await as.store(STORE).shipping.getShipment({ params: { shipmentId: shipment.id } });
    expect(polled.status).toBe('in_transit');
    expect(polled.history.at(-1)).toMatchObject({ status: 'in_transit', source: 'carrier-poll', note: 'Status dropping_off' });
    expect(polled.trackingUrl).toBe(`https://track.example/${order.waybillId}`);

    order.status = 'delivered';
    const tracked = await as.customer(CUSTOMER).shipping.trackShipment({ params: { shipmentId: shipment.id } });
    expect(tracked.status).toBe('delivered');
  });
});
