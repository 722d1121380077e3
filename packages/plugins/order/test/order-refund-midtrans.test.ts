import { newId } from '@tokobapak/server';
import { eventually, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MidtransFixture, startMidtransFixture } from '../../payment/test/midtrans-fixture.js';
import { productOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';
import { ADDRESS } from './support.js';

// The case that made refunds refused by the gateway owed rather than undone: with Midtrans, which
// refunds no bank transfer, a store must still be able to cancel an order paid by virtual account.
// The store runs its payments on the Midtrans adapter against the local Midtrans-speaking server,
// which refuses bank-transfer refunds as Midtrans does, and listens for its notifications.

const SERVER_KEY = 'SB-Mid-server-order-refunds';
let midtrans: MidtransFixture;
let server: TestServer;
let storeUrl = '';
beforeAll(async () => {
  midtrans = await startMidtransFixture(SERVER_KEY, () => `${storeUrl}/payment/webhooks/midtrans`);
  server = await startCheckoutServer({
    payment: { provider: 'midtrans', sandbox: { enabled: false }, midtrans: { serverKey: SERVER_KEY, baseUrl: midtrans.url } },
  });
  storeUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

describe('an order paid by bank transfer through Midtrans', () => {
  test('the store cancels it: the refund is owed by hand, the order cancelled and the stock back; the admin settles it', async () => {
    const product = await productOf(server, { price: 25_000, stock: 5 });
    const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 2 }]);
    const checkout = await buyer.client.order.createCheckout({
      body: { cartId: buyer.cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'virtual_account', bank: 'bca' } },
    });
    const paymentId = checkout.payment?.id as string;
    expect(checkout.payment?.instructions).toMatchObject({ type: 'virtual_account', bank: 'bca' });
    // The customer pays at the bank; Midtrans notifies the store.
    expect((await midtrans.notify(paymentId, 'settlement')).status).toBe(200);
    const order = await eventually(async () => {
      const [placed] = (await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).orders;
      expect(placed?.status).toBe('paid');
      expect((await stockOf(server, product.variantId)).reserved).toBe(0);
      return placed as NonNullable<typeof placed>;
    });

    midtrans.refusedRefundTypes.add('bank_transfer');
    const desk = storeSession(server, order.storeId);
    const cancelled = await desk.order.cancelOrder({ params: { orderId: order.id }, body: { reason: 'Stok habis' } });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.totals.refunded).toEqual(order.totals.total);
    expect(cancelled.refunds).toMatchObject([{ status: 'owed', amount: order.totals.total, reason: 'Stok habis', by: 'store', restocked: true }]);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 0 });
    const payments = server.client({ accessToken: adminToken() }).payment;
    const owing = await payments.getPayment({ params: { paymentId } });
    expect(owing).toMatchObject({ status: 'paid', refundedAmount: { amount: 0 }, refundOwed: order.totals.total });

    // The platform transfers the money back by hand and says so; the customer's order shows it settled.
    await payments.acknowledgeRefundFailure({ params: { paymentId }, body: { note: 'BCA transfer ref 4410' } });
    await server.relay.drain();
    const mine = await buyer.client.order.getMyOrder({ params: { orderId: order.id } });
    expect(mine.refunds.map((refund) => refund.status)).toEqual(['succeeded']);
    expect(mine.status).toBe('cancelled');
  });
});

/** An admin's session: the testing helpers sign none, and the acknowledgement is admins' only. */
function adminToken(): string {
  return server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: newId('ses'), storeId: null, storeRole: null });
}
