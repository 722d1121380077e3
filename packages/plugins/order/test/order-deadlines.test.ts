import { customerSession, expectProblem, manualClock, outboxEvents, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveSettings } from '../src/options.js';
import { paidOrder, paidWithQuote, startCheckoutServer, stockOf } from './checkout-support.js';

// The platform's deadlines on an order, under a manual clock and the defaults: a store has 48 hours
// to accept a paid order, and a shipped order is completed 14 days after it shipped. Sessions are
// signed afresh after the clock jumps (a token signed before would have expired).

const HOUR = 3_600_000;
const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer({ clock });
});
afterAll(async () => {
  await server?.close();
});

const paymentOf = (paymentId: string) => serviceClient(server, 'order').payment.getPayment({ params: { paymentId } });

describe('order deadlines', () => {
  test('a paid order the store does not accept within 48 hours is cancelled and refunded by the platform; an accepted one is left', async () => {
    const ignored = await paidOrder(server, { price: 40_000, quantity: 2, stock: 5 });
    const taken = await paidOrder(server, { price: 30_000, quantity: 1, stock: 5 });
    await storeSession(server, taken.order.storeId).order.acceptOrder({ params: { orderId: taken.order.id }, body: {} });
    const desk = () => storeSession(server, ignored.order.storeId);
    const params = { orderId: ignored.order.id };

    clock.advance(47 * HOUR);
    await server.jobs.tick();
    expect((await desk().order.getStoreOrder({ params })).status).toBe('paid');

    clock.advance(2 * HOUR);
    await server.jobs.tick();
    const cancelled = await desk().order.getStoreOrder({ params });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'cancelled', by: 'system', note: 'The store did not accept the order within 48 hours' });
    expect(cancelled.refunds).toMatchObject([{ status: 'succeeded', by: 'system', amount: ignored.order.totals.total, restocked: true }]);
    expect((await paymentOf(ignored.paymentId)).refundedAmount).toEqual(ignored.order.totals.total);
    expect(await stockOf(server, ignored.product.variantId)).toEqual({ onHand: 5, reserved: 0 });
    // The customer reads it too; the accepted order is untouched.
    expect((await customerSession(server, ignored.buyer.userId).order.getMyOrder({ params })).status).toBe('cancelled');
    expect((await storeSession(server, taken.order.storeId).order.getStoreOrder({ params: { orderId: taken.order.id } })).status).toBe('accepted');

    // Later passes change nothing: one cancellation, one refund.
    clock.advance(HOUR);
    await server.jobs.tick();
    expect(await outboxEvents(server, ['order.cancelled'], { subject: ignored.order.id })).toHaveLength(1);
    expect(await outboxEvents(server, ['order.refunded'], { subject: ignored.order.id })).toHaveLength(1);
  });

  test('a shipped order nobody completes is completed by the platform 14 days after it shipped; one not shipped is left', async () => {
    const parcel = await paidOrder(server, { price: 50_000, quantity: 1, stock: 5 });
    const waiting = await paidOrder(server, { price: 20_000, quantity: 1, stock: 5 });
    const desk = () => storeSession(server, parcel.order.storeId);
    const params = { orderId: parcel.order.id };
    await desk().order.acceptOrder({ params, body: {} });
    await desk().order.shipOrder({ params, body: { carrier: 'JNE', trackingNumber: 'JNE0011223344' } });
    await storeSession(server, waiting.order.storeId).order.acceptOrder({ params: { orderId: waiting.order.id }, body: {} });

    clock.advance(13 * 24 * HOUR);
    await server.jobs.tick();
    expect((await desk().order.getStoreOrder({ params })).status).toBe('shipped');

    clock.advance(2 * 24 * HOUR);
    await server.jobs.tick();
    const completed = await desk().order.getStoreOrder({ params });
    expect(completed.status).toBe('completed');
    expect(completed.history.at(-1)).toMatchObject({ status: 'completed', by: 'system', note: 'Completed 14 days after it shipped' });
    const done = await outboxEvents(server, ['order.completed'], { subject: parcel.order.id });
    expect(done.map((event) => event.data.total)).toEqual([parcel.order.totals.total]);
    expect((await storeSession(server, waiting.order.storeId).order.getStoreOrder({ params: { orderId: waiting.order.id } })).status).toBe('accepted');

    clock.advance(HOUR);
    await server.jobs.tick();
    expect(await outboxEvents(server, ['order.completed'], { subject: parcel.order.id })).toHaveLength(1);
  });

  test('a shipped order whose parcel the carrier returned is left to the store, not completed by the deadline', async () => {
    const { order, product } = await paidWithQuote(server, { price: 35_000, quantity: 1, shipping: 12_000, stock: 5 });
    const orderId = order.id;
    const desk = () => storeSession(server, product.storeId);
    await desk().order.acceptOrder({ params: { orderId }, body: {} });
    const shipped = await desk().order.shipOrder({ params: { orderId }, body: {} });
    const shipmentId = shipped.shipping.shipmentId as string;
    await desk().shipping.updateShipmentStatus({ params: { shipmentId }, body: { status: 'in_transit' } });
    await desk().shipping.updateShipmentStatus({ params: { shipmentId }, body: { status: 'returned' } });
    await server.relay.drain();

    clock.advance(15 * 24 * HOUR);
    await server.jobs.tick();
    expect((await desk().order.getStoreOrder({ params: { orderId } })).status).toBe('shipped');
    expect(await outboxEvents(server, ['order.completed'], { subject: orderId })).toHaveLength(0);
    // The store decides: it cancels and refunds.
    const cancelled = await desk().order.cancelOrder({ params: { orderId }, body: { reason: 'Paket kembali ke toko' } });
    expect(cancelled.status).toBe('cancelled');
  });

  test('the customer says a shipped order arrived: completed by them at once, and the deadline finds nothing left', async () => {
    const parcel = await paidOrder(server, { price: 45_000, quantity: 1, stock: 5 });
    const desk = storeSession(server, parcel.order.storeId);
    const params = { orderId: parcel.order.id };
    const customer = customerSession(server, parcel.buyer.userId);
    await desk.order.acceptOrder({ params, body: {} });
    // Not shipped yet: refused, as the store's own completion of a cancelled order would be.
    await expectProblem(customer.order.confirmMyOrderReceived({ params, body: {} }), 409, 'ORDER_INVALID_TRANSITION');
    await desk.order.shipOrder({ params, body: { carrier: 'SiCepat', trackingNumber: 'SCP000123' } });

    const received = await customer.order.confirmMyOrderReceived({ params, body: { note: 'Sudah sampai, terima kasih' } });
    expect(received.status).toBe('completed');
    expect(received.history.at(-1)).toMatchObject({ status: 'completed', by: 'customer', note: 'Sudah sampai, terima kasih' });
    // Again, three at once, and the deadline later: one completion.
    await Promise.all([1, 2, 3].map(() => customer.order.confirmMyOrderReceived({ params, body: {} })));
    clock.advance(15 * 24 * HOUR);
    await server.jobs.tick();
    expect(await outboxEvents(server, ['order.completed'], { subject: parcel.order.id })).toHaveLength(1);
  });

  test('0 turns a deadline off; a value that cannot be right is refused at start', () => {
    expect(resolveSettings({})).toMatchObject({ acceptWithinHours: 48, completeShippedAfterDays: 14 });
    expect(resolveSettings({ acceptWithinHours: 0, completeShippedAfterDays: 0 })).toMatchObject({ acceptWithinHours: 0, completeShippedAfterDays: 0 });
    expect(() => resolveSettings({ acceptWithinHours: -1 })).toThrow(/acceptWithinHours/);
    expect(() => resolveSettings({ completeShippedAfterDays: 1.5 })).toThrow(/completeShippedAfterDays/);
  });
});
