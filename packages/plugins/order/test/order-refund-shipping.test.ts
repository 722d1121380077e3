import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { createTestServer, eventually, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { shareOf } from '../src/refund-amounts.js';
import { checkoutBody, productOf, shopper } from './checkout-support.js';
import { ADDRESS } from './support.js';

// The shipping share of a refund, on orders checked out with a real shipping quote: it goes back
// with the last unit of an order that never left, and stays paid once the parcel was booked.

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({
    plugins: [inventoryPlugin(), cartPlugin(), paymentPlugin({ provider: 'sandbox' }), shippingPlugin(), orderPlugin({ settleIntervalMs: 100 })],
  });
});
afterAll(async () => {
  await server?.close();
});

/** A paid order of 2 units at 20,000 with flat-rate shipping of 15,000 chosen in the cart. */
async function paidWithShipping() {
  const product = await productOf(server, { price: 20_000, stock: 10 });
  await product.merchant.shipping.updateShippingSettings({
    body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 15_000, estimatedDays: { min: 1, max: 3 } }, weightTable: null, biteship: null },
  });
  const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 2 }]);
  const { options } = await buyer.client.shipping.quoteShippingRates({
    body: {
      storeId: product.storeId,
      destination: { postalCode: ADDRESS.postalCode, region: ADDRESS.region },
      items: [{ weight: 250, quantity: 2 }],
      currency: 'IDR',
    },
  });
  await buyer.client.cart.selectCartShipping({
    params: { cartId: buyer.cartId, storeId: product.storeId },
    body: { optionId: options[0]?.optionId as string },
  });
  const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
  const paymentId = checkout.payment?.id as string;
  await buyer.client.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'paid' } });
  const order = await eventually(async () => {
    const [placed] = (await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).orders;
    expect(placed?.status).toBe('paid');
    return placed as NonNullable<typeof placed>;
  });
  expect(order.totals.shipping.amount).toBe(15_000);
  return { order, line: order.lines[0] as NonNullable<(typeof order.lines)[0]>, desk: storeSession(server, product.storeId), paymentId };
}

const refunded = async (paymentId: string) => (await serviceClient(server, 'order').payment.getPayment({ params: { paymentId } })).refundedAmount.amount;

describe('the shipping share of a refund', () => {
  test('before shipping, the last unit takes the shipping back with it', async () => {
    const { order, line, desk, paymentId } = await paidWithShipping();
    const params = { orderId: order.id };
    const first = await desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }] } });
    expect(first.totals.refunded.amount).toBe(shareOf(line.total.amount, 1, 2));
    const rest = await desk.order.cancelOrder({ params, body: {} });
    expect(rest.status).toBe('cancelled');
    expect(rest.totals.refunded.amount).toBe(order.totals.total.amount);
    expect(order.totals.total.amount).toBe(line.total.amount + 15_000);
    expect(await refunded(paymentId)).toBe(order.totals.total.amount);
  });

  test('an order checked out with a quote ships through the shipping service; cancelled after that, the shipping stays paid', async () => {
    const { order, line, desk, paymentId } = await paidWithShipping();
    const params = { orderId: order.id };
    await desk.order.acceptOrder({ params, body: {} });
    const shipped = await desk.order.shipOrder({ params, body: {} });
    expect(shipped.shipping).toMatchObject({ shipmentId: expect.stringMatching(/^shp_/), trackingNumber: expect.stringMatching(/^TB/) });
    const cancelled = await desk.order.cancelOrder({ params, body: { reason: 'Paket hilang' } });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.totals.refunded.amount).toBe(line.total.amount);
    expect(await refunded(paymentId)).toBe(line.total.amount);
  });
});
