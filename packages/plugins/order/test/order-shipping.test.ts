import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { newId } from '@tokobapak/server';
import { createTestServer, expectProblem, outboxEvents, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { ADDRESS, customerClient, orderSeeder } from './support.js';

// The store ships at its desk: the order service books the parcel with the shipping service using
// the quote the customer chose, records the shipment and its tracking number, and completes the
// order when the shipping service reports it delivered.

const seeder = orderSeeder();
let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ plugins: [inventoryPlugin(), shippingPlugin(), orderPlugin({ platformFeeBasisPoints: 250 }), seeder.plugin] });
});
afterAll(async () => {
  await server?.close();
});

/** A store with flat-rate shipping, a quote of it to the seeded address, and a paid order using it. */
async function shippableOrder() {
  const storeId = newId('sto');
  const merchant = storeSession(server, storeId);
  await merchant.shipping.updateShippingSettings({
    body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 15_000, estimatedDays: { min: 2, max: 4 } }, weightTable: null, biteship: null },
  });
  const { options } = await server.client().shipping.quoteShippingRates({
    body: { storeId, destination: { postalCode: ADDRESS.postalCode, region: ADDRESS.region }, items: [{ weight: 500, quantity: 2 }], currency: 'IDR' },
  });
  const option = options[0];
  if (!option) throw new Error('no shipping option quoted');
  const customer = customerClient(server);
  const {
    orderIds: [orderId],
  } = await seeder.seed({
    customerId: customer.userId,
    stores: [
      {
        storeId,
        lines: [{ quantity: 2, unitPrice: 40_000 }],
        shipping: { optionId: option.optionId, provider: option.provider, amount: option.amount.amount },
      },
    ],
    feeBasisPoints: 250,
  });
  return { storeId, merchant, customer, orderId: orderId as string };
}

describe('shipping an order', () => {
  test('an accepted order ships through the shipping service once; customer and store track it; delivery completes it', async () => {
    const { storeId, merchant, customer, orderId } = await shippableOrder();
    const params = { orderId };

    await expectProblem(merchant.order.shipOrder({ params, body: {} }), 409, 'ORDER_NOT_SHIPPABLE');
    await merchant.order.acceptOrder({ params, body: {} });
    // Another store cannot ship it (nor tell it exists).
    await expectProblem(storeSession(server).order.shipOrder({ params, body: {} }), 404, 'ORDER_NOT_FOUND');
    // The quote's provider books it: the store names no carrier of its own.
    await expectProblem(merchant.order.shipOrder({ params, body: { carrier: 'JNE', trackingNumber: 'JNE123' } }), 422, 'ORDER_SHIPMENT_BOOKED');
    await expectProblem(merchant.order.shipOrder({ params, body: { trackingNumber: '' } }), 400, 'VALIDATION_FAILED');

    // Five concurrent ships: one shipment, one history entry.
    const shipped = await Promise.all(Array.from({ length: 5 }, () => merchant.order.shipOrder({ params, body: { note: 'Dikirim pagi' } })));
    const shipmentId = shipped[0]?.shipping.shipmentId as string;
    expect(shipmentId).toMatch(/^shp_/);
    for (const order of shipped) expect(order.shipping).toMatchObject({ shipmentId, trackingNumber: expect.stringMatching(/^TB/), carrier: null });
    const order = await customer.client.order.getMyOrder({ params });
    expect(order.status).toBe('shipped');
    expect(order.history.map((entry) => [entry.status, entry.by, entry.note])).toEqual([
      ['pending_payment', 'customer', null],
      ['paid', 'system', null],
      ['accepted', 'store', null],
      ['shipped', 'store', 'Dikirim pagi'],
    ]);
    const shipments = await merchant.shipping.listStoreShipments({});
    expect(shipments.items.map((shipment) => shipment.reference)).toEqual([orderId]);

    // The customer and the store follow the parcel with the shipping service; another customer cannot.
    const tracked = await customer.client.shipping.trackShipment({ params: { shipmentId } });
    expect(tracked).toMatchObject({ reference: orderId, storeId, trackingNumber: order.shipping.trackingNumber, status: 'pending' });
    await expectProblem(customerClient(server).client.shipping.trackShipment({ params: { shipmentId } }), 404, 'SHIPPING_SHIPMENT_NOT_FOUND');

    // The courier's own number, then delivery: the order copies the number and completes by itself, once.
    await merchant.shipping.updateShipmentStatus({ params: { shipmentId }, body: { status: 'in_transit', trackingNumber: 'JNE0123456789' } });
    await server.relay.drain();
    expect((await merchant.order.getStoreOrder({ params })).shipping.trackingNumber).toBe('JNE0123456789');
    await merchant.shipping.updateShipmentStatus({ params: { shipmentId }, body: { status: 'delivered' } });
    await server.relay.drain();
    await server.relay.drain();
    const done = await merchant.order.getStoreOrder({ params });
    expect(done.status).toBe('completed');
    expect(done.history.at(-1)).toMatchObject({ status: 'completed', by: 'system', note: `Delivered (shipment ${shipmentId})` });
    // 80,000 + 15,000 shipping at 2.5%.
    expect(done.platformFee).toEqual({ amount: 2_375, currency: 'IDR' });
    expect(await outboxEvents(server, ['order.completed'], { subject: orderId })).toHaveLength(1);
  });

  test('an order without a quote ships with the tracking number the store gives', async () => {
    const storeId = newId('sto');
    const merchant = storeSession(server, storeId);
    const {
      orderIds: [orderId],
    } = await seeder.seed({ customerId: newId('usr'), stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 25_000 }] }] });
    const params = { orderId: orderId as string };
    await merchant.order.acceptOrder({ params, body: {} });
    await expectProblem(merchant.order.shipOrder({ params, body: { carrier: 'JNE' } }), 422, 'ORDER_TRACKING_REQUIRED');
    const shipped = await merchant.order.shipOrder({ params, body: { carrier: 'JNE', trackingNumber: 'JNE0099887766' } });
    expect(shipped.status).toBe('shipped');
    expect(shipped.shipping).toMatchObject({ shipmentId: null, trackingNumber: 'JNE0099887766', carrier: 'JNE' });
    // Shipped already: again changes nothing, and completing works as before.
    expect((await merchant.order.shipOrder({ params, body: { trackingNumber: 'OTHER1' } })).shipping.trackingNumber).toBe('JNE0099887766');
    expect((await merchant.order.completeOrder({ params, body: {} })).status).toBe('completed');
    await expectProblem(merchant.order.shipOrder({ params, body: {} }), 409, 'ORDER_NOT_SHIPPABLE');
  });
});
