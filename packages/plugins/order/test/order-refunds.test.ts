import { expectProblem, outboxEvents, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { shareOf } from '../src/refund-amounts.js';
import { paidOrder, startCheckoutServer, stockOf } from './checkout-support.js';

// Cancelling at the desk (and by the customer before acceptance) with refunds through the payment
// sandbox: amounts from what the order recorded, the stock back, never more than was paid.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer();
});
afterAll(async () => {
  await server?.close();
});

const paymentOf = (paymentId: string) => serviceClient(server, 'order').payment.getPayment({ params: { paymentId } });

describe('cancelling an order', () => {
  test('the store cancels one unit, then the customer the rest: exact refunds, stock back, the order cancelled', async () => {
    const { order, buyer, product, paymentId } = await paidOrder(server, { price: 33_333, quantity: 3, stock: 10 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const total = order.totals.total.amount;
    const desk = storeSession(server, order.storeId);
    const params = { orderId: order.id };
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 7, reserved: 0 });

    // Refused before anything is counted.
    await expectProblem(storeSession(server).order.cancelOrder({ params, body: {} }), 404, 'ORDER_NOT_FOUND');
    await expectProblem(desk.order.cancelOrder({ params, body: { lines: [{ lineId: `oln_${'0'.repeat(26)}`, quantity: 1 }] } }), 422, 'ORDER_LINE_NOT_FOUND');
    await expectProblem(desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 4 }] } }), 409, 'ORDER_REFUND_EXCEEDS_PAID');
    await expectProblem(
      desk.order.cancelOrder({
        params,
        body: {
          lines: [
            { lineId: line.id, quantity: 2 },
            { lineId: line.id, quantity: 2 },
          ],
        },
      }),
      409,
      'ORDER_REFUND_EXCEEDS_PAID',
    );
    await expectProblem(desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 0 }] } }), 400, 'VALIDATION_FAILED');
    await expectProblem(desk.order.cancelOrder({ params, body: { lines: [{ lineId: 'x', quantity: 1 }] } }), 400, 'VALIDATION_FAILED');
    expect((await desk.order.getStoreOrder({ params })).totals.refunded.amount).toBe(0);

    const partial = await desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }], reason: 'Stok rusak' } });
    const first = shareOf(line.total.amount, 1, 3);
    expect(partial.status).toBe('paid');
    expect(partial.lines[0]).toMatchObject({ refundedQuantity: 1, refundedAmount: { amount: first } });
    expect(partial.totals.refunded.amount).toBe(first);
    const firstRefund = {
      status: 'succeeded',
      amount: { amount: first, currency: 'IDR' },
      shipping: { amount: 0, currency: 'IDR' },
      lines: [{ lineId: line.id, quantity: 1, amount: { amount: first, currency: 'IDR' } }],
      reason: 'Stok rusak',
      by: 'store',
      restocked: true,
    };
    expect(partial.refunds).toMatchObject([firstRefund]);
    expect(partial.refunds[0]?.id).toMatch(/^orf_/);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(first);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 8, reserved: 0 });

    // The customer cancels what is left before the store accepts: lines and shipping, the whole rest.
    const cancelled = await buyer.client.order.cancelMyOrder({ params, body: { reason: 'Salah pesan' } });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.totals.refunded.amount).toBe(total);
    expect(cancelled.lines[0]).toMatchObject({ refundedQuantity: 3, refundedAmount: line.total });
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'cancelled', by: 'customer', note: 'Salah pesan' });
    // Each cancellation's refund, oldest first, the same on every read of the order: the customer's, the store's, the checkout's.
    const bothRefunds = [
      firstRefund,
      {
        status: 'succeeded',
        amount: { amount: total - first, currency: 'IDR' },
        shipping: order.totals.shipping,
        lines: [{ lineId: line.id, quantity: 2, amount: { amount: line.total.amount - first, currency: 'IDR' } }],
        reason: 'Salah pesan',
        by: 'customer',
        restocked: true,
      },
    ];
    expect(cancelled.refunds).toMatchObject(bothRefunds);
    expect((await desk.order.getStoreOrder({ params })).refunds).toEqual(cancelled.refunds);
    expect((await buyer.client.order.getMyOrder({ params })).refunds).toEqual(cancelled.refunds);
    const checkout = await buyer.client.order.getCheckout({ params: { checkoutId: order.checkoutId } });
    expect(checkout.orders.find((each) => each.id === order.id)?.refunds).toEqual(cancelled.refunds);
    const payment = await paymentOf(paymentId);
    expect(payment.refundedAmount.amount).toBe(total);
    expect(payment.status).toBe('refunded');
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 10, reserved: 0 });

    const refunds = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(refunds.map((event) => [event.data.amount, event.data.orderCompleted])).toEqual([
      [{ amount: first, currency: 'IDR' }, false],
      [{ amount: total - first, currency: 'IDR' }, false],
    ]);
    const cancels = await outboxEvents(server, ['order.cancelled'], { subject: order.id });
    expect(cancels.map((event) => event.data)).toEqual([
      { orderId: order.id, checkoutId: order.checkoutId, storeId: order.storeId, customerId: buyer.userId, by: 'customer', reason: 'Salah pesan' },
    ]);
    await expectProblem(desk.order.cancelOrder({ params, body: {} }), 409, 'ORDER_NOT_CANCELLABLE');
    await expectProblem(buyer.client.order.cancelMyOrder({ params, body: {} }), 409, 'ORDER_NOT_CANCELLABLE');
  });

  test('10 concurrent cancellations of one unit of a 5-unit line refund exactly the line, never more', { timeout: 120_000 }, async () => {
    const { order, product, paymentId } = await paidOrder(server, { price: 10_001, quantity: 5, stock: 5 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const desk = storeSession(server, order.storeId);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => desk.order.cancelOrder({ params: { orderId: order.id }, body: { lines: [{ lineId: line.id, quantity: 1 }] } })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    for (const result of results) {
      // Too many units, or (once the fifth made it cancelled) nothing left to cancel.
      if (result.status === 'rejected')
        expect(['ORDER_REFUND_EXCEEDS_PAID', 'ORDER_NOT_CANCELLABLE']).toContain((result.reason as { problem?: { code?: string } }).problem?.code);
    }
    const after = await desk.order.getStoreOrder({ params: { orderId: order.id } });
    expect(after.status).toBe('cancelled');
    expect(after.totals.refunded).toEqual(order.totals.total);
    expect(after.lines[0]?.refundedAmount).toEqual(line.total);
    expect((await paymentOf(paymentId)).refundedAmount).toEqual(order.totals.total);
    const refunds = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(refunds).toHaveLength(5);
    expect(refunds.reduce((sum, event) => sum + (event.data.amount as { amount: number }).amount, 0)).toBe(order.totals.total.amount);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test('after shipping no stock comes back; after completion the refund says so; the customer cannot cancel an accepted order', async () => {
    const { order, buyer, product, paymentId } = await paidOrder(server, { price: 50_000, quantity: 2, stock: 4 });
    const line = order.lines[0];
    if (!line) throw new Error('no line');
    const desk = storeSession(server, order.storeId);
    const params = { orderId: order.id };
    await desk.order.acceptOrder({ params, body: {} });
    await expectProblem(buyer.client.order.cancelMyOrder({ params, body: {} }), 409, 'ORDER_NOT_CANCELLABLE');
    await desk.order.shipOrder({ params, body: { carrier: 'JNE', trackingNumber: 'JNE1234' } });
    const shipped = await desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }] } });
    expect(shipped.status).toBe('shipped');
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 2, reserved: 0 });
    const completed = await desk.order.completeOrder({ params, body: {} });
    const half = shareOf(line.total.amount, 1, 2);
    expect(completed.platformFee).toEqual({ amount: 0, currency: 'IDR' });
    // The last unit after completion: the order is cancelled, the shipping (spent) is not refunded.
    const last = await desk.order.cancelOrder({ params, body: {} });
    expect(last.status).toBe('cancelled');
    expect(last.totals.refunded.amount).toBe(line.total.amount);
    expect((await paymentOf(paymentId)).refundedAmount.amount).toBe(line.total.amount);
    const refunds = await outboxEvents(server, ['order.refunded'], { subject: order.id });
    expect(refunds.map((event) => [(event.data.amount as { amount: number }).amount, event.data.orderCompleted])).toEqual([
      [half, false],
      [line.total.amount - half, true],
    ]);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 2, reserved: 0 });
  });
});
