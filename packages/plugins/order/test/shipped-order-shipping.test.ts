import { eventually, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutBody, productOf, shopper, startCheckoutServer } from './checkout-support.js';
import { ADDRESS } from './support.js';

// The whole path through the SDK — quote, choose on the cart, check out, pay, accept, ship through
// the shipping service — keeps the option the order fixed at checkout (provider, service, name)
// beside the shipment the store booked, for the store and for the customer.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer();
});
afterAll(async () => {
  await server?.close();
});

describe('a shipped order', () => {
  test('keeps the name, provider and service of its shipping option beside the booked shipment', async () => {
    const product = await productOf(server, { price: 50_000, stock: 5 });
    await product.merchant.shipping.updateShippingSettings({
      body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 15_000, zones: [] }, weightTable: null, biteship: null },
    });
    const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 1 }]);
    const { options } = await server.client().shipping.quoteShippingRates({
      body: {
        storeId: product.storeId,
        destination: { postalCode: ADDRESS.postalCode, countryCode: 'ID' },
        items: [{ weight: 250, quantity: 1 }],
        currency: 'IDR',
      },
    });
    const optionId = options[0]?.optionId as string;
    await buyer.client.cart.selectCartShipping({ params: { cartId: buyer.cartId, storeId: product.storeId }, body: { optionId } });
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    await buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'paid' } });
    const orderId = checkout.orders[0]?.id as string;
    await eventually(async () => expect((await product.merchant.order.getStoreOrder({ params: { orderId } })).status).toBe('paid'));
    await product.merchant.order.acceptOrder({ params: { orderId }, body: {} });

    const shipped = await product.merchant.order.shipOrder({ params: { orderId }, body: {} });
    const option = { optionId, provider: 'flat-rate', service: 'standard', name: 'Kirim rata', amount: { amount: 15_000, currency: 'IDR' } };
    expect(shipped.shipping).toMatchObject({ ...option, shipmentId: expect.stringMatching(/^shp_/), trackingNumber: expect.stringMatching(/^TB/) });
    const shipment = await product.merchant.shipping.getShipment({ params: { shipmentId: shipped.shipping.shipmentId as string } });
    expect(shipment).toMatchObject({ reference: orderId, name: 'Kirim rata', trackingNumber: shipped.shipping.trackingNumber });
    // A later status from the shipping service (a new tracking number) leaves the option as it was.
    await product.merchant.shipping.updateShipmentStatus({
      params: { shipmentId: shipment.id },
      body: { status: 'in_transit', trackingNumber: 'JNE0123456789' },
    });
    await eventually(async () => {
      const seen = await buyer.client.order.getMyOrder({ params: { orderId } });
      expect(seen.shipping).toMatchObject({ ...option, trackingNumber: 'JNE0123456789' });
    });
  });
});
