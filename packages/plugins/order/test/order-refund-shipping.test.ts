import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { createTestServer, expectProblem, outboxEvents, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { shareOf } from '../src/refund-amounts.js';
import { paidWithQuote } from './checkout-support.js';

// The shipping share of a refund, on orders checked out with a real shipping quote: it goes back
// with the last unit of an order that never left, and stays paid once the parcel was booked. And
// money given back without cancelling a unit (`refundOrder`), on lines and shipping, after which
// cancelling everything still refunds the order's total exactly.

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
  const { order, paymentId, product } = await paidWithQuote(server, { price: 20_000, quantity: 2, shipping: 15_000 });
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

describe('money given back without cancelling a unit', () => {
  test('goodwill on a line and part of the shipping; refusals count nothing; cancelling everything after still refunds the total exactly', async () => {
    const { order, line, desk, paymentId } = await paidWithShipping();
    const params = { orderId: order.id };
    const idr = (amount: number) => ({ amount, currency: 'IDR' });

    const given = await desk.order.refundOrder({
      params,
      body: { lines: [{ lineId: line.id, amount: idr(7_000) }], shipping: idr(5_000), reason: 'Kemasan penyok' },
    });
    expect(given.status).toBe('paid');
    expect(given.totals.refunded.amount).toBe(12_000);
    expect(given.lines[0]).toMatchObject({ refundedQuantity: 0, refundedAmount: idr(7_000) });
    expect(given.refunds).toMatchObject([
      {
        status: 'succeeded',
        amount: idr(12_000),
        shipping: idr(5_000),
        lines: [{ lineId: line.id, quantity: 0, amount: idr(7_000) }],
        reason: 'Kemasan penyok',
        by: 'store',
        restocked: false,
      },
    ]);
    expect(await refunded(paymentId)).toBe(12_000);
    expect((await outboxEvents(server, ['order.refunded'], { subject: order.id })).map((event) => event.data.amount)).toEqual([idr(12_000)]);

    // Refused, and nothing counted: more than is left of the line or of the shipping, another currency, nothing, a foreign line.
    const lineLeft = line.total.amount - 7_000;
    await expectProblem(
      desk.order.refundOrder({ params, body: { lines: [{ lineId: line.id, amount: idr(lineLeft + 1) }], reason: 'x' } }),
      409,
      'ORDER_REFUND_EXCEEDS_PAID',
    );
    await expectProblem(
      desk.order.refundOrder({
        params,
        body: {
          lines: [
            { lineId: line.id, amount: idr(lineLeft) },
            { lineId: line.id, amount: idr(1) },
          ],
          reason: 'x',
        },
      }),
      409,
      'ORDER_REFUND_EXCEEDS_PAID',
    );
    await expectProblem(desk.order.refundOrder({ params, body: { shipping: idr(10_001), reason: 'x' } }), 409, 'ORDER_REFUND_EXCEEDS_PAID');
    await expectProblem(
      desk.order.refundOrder({ params, body: { shipping: { amount: 1_000, currency: 'USD' }, reason: 'x' } }),
      422,
      'ORDER_REFUND_CURRENCY_MISMATCH',
    );
    await expectProblem(desk.order.refundOrder({ params, body: { shipping: idr(0), reason: 'x' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(desk.order.refundOrder({ params, body: { reason: 'nothing' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(
      desk.order.refundOrder({ params, body: { lines: [{ lineId: `oln_${'0'.repeat(26)}`, amount: idr(1) }], reason: 'x' } }),
      422,
      'ORDER_LINE_NOT_FOUND',
    );
    await expectProblem(storeSession(server).order.refundOrder({ params, body: { shipping: idr(1), reason: 'x' } }), 404, 'ORDER_NOT_FOUND');
    expect((await desk.order.getStoreOrder({ params })).totals.refunded.amount).toBe(12_000);

    // A unit is worth its share less what its line gave back already; the last, what is left, with the shipping left.
    const one = await desk.order.cancelOrder({ params, body: { lines: [{ lineId: line.id, quantity: 1 }] } });
    expect(one.refunds.at(-1)?.amount.amount).toBe(Math.max(0, shareOf(line.total.amount, 1, 2) - 7_000));
    const rest = await desk.order.cancelOrder({ params, body: {} });
    expect(rest.status).toBe('cancelled');
    expect(rest.refunds.at(-1)?.shipping).toEqual(idr(10_000));
    expect(rest.totals.refunded).toEqual(order.totals.total);
    expect(rest.lines[0]).toMatchObject({ refundedQuantity: 2, refundedAmount: line.total });
    expect(await refunded(paymentId)).toBe(order.totals.total.amount);
    // Nothing is left to give: refused.
    await expectProblem(desk.order.refundOrder({ params, body: { shipping: idr(1), reason: 'x' } }), 409, 'ORDER_NOT_CANCELLABLE');
  });

  test('the same Idempotency-Key sent five times at once, and again after, gives the money back once; with another body it is refused', async () => {
    const { order, line, desk, paymentId } = await paidWithShipping();
    const params = { orderId: order.id };
    const body = { lines: [{ lineId: line.id, amount: { amount: 3_000, currency: 'IDR' } }], reason: 'Telat kirim' };
    const idempotencyKey = `goodwill-${order.id}`;
    const answers = await Promise.allSettled([1, 2, 3, 4, 5].map(() => desk.order.refundOrder({ params, body, idempotencyKey })));
    // Each is the refund, or (PostgreSQL, while the first holds the key) 409 IDEMPOTENCY_IN_PROGRESS to retry.
    for (const answer of answers) {
      if (answer.status === 'fulfilled') expect(answer.value.totals.refunded.amount).toBe(3_000);
      else expect(answer.reason).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
    }
    expect(answers.some((answer) => answer.status === 'fulfilled')).toBe(true);
    // Retried once they are through: the same refund again, never a second.
    expect((await desk.order.refundOrder({ params, body, idempotencyKey })).totals.refunded.amount).toBe(3_000);
    expect((await desk.order.getStoreOrder({ params })).refunds).toHaveLength(1);
    expect(await refunded(paymentId)).toBe(3_000);
    await expectProblem(desk.order.refundOrder({ params, body: { ...body, reason: 'Lain' }, idempotencyKey }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });
});
