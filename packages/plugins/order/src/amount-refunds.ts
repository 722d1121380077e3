import type { OrderComponents } from '@tokobapak/sdk';
import { platformErrors } from '@tokobapak/server';
import { CANCELLABLE_BY, recordRefund, refundOfRequest } from './cancellation.js';
import { orderErrors } from './errors.js';
import type { LineRow, OrderRow } from './mappers.js';
import { lockStoreOrder, type Tx } from './order-desk.js';
import { getOrder } from './order-reads.js';
import { driveRefund, type RefundContext } from './refund-driver.js';

type Schemas = OrderComponents['schemas'];
type Money = Schemas['Money'];

/** Money to give back without cancelling a unit: on some lines, on the shipping, or both. */
export interface AmountRefundRequest {
  lines?: Array<{ lineId: string; amount: Money }> | undefined;
  shipping?: Money | undefined;
  reason: string;
  /** The request's `Idempotency-Key`: a retry with it drives the refund it counted instead of counting another. */
  key?: string | undefined;
}

/**
 * A store gives money back and cancels nothing (goodwill for a damaged item kept, a late parcel's
 * shipping). Counted like a cancellation, under the order's row lock in one transaction: the lines'
 * `refundedAmount` (their `refundedQuantity` stays), the order's `refunded`, and a `pending` refund
 * row with quantity 0 per line and its shipping part; then driven through the payment service by
 * the same {@link driveRefund}, with no stock to return. The cancellation rules keep every line's
 * refunds within its total whatever comes later (`refund-amounts.ts`: a unit is worth its share
 * less what the line gave back already, never below 0, and the last unit what is left), and the
 * last unit's shipping is what the order has left beyond its lines, so shipping refunded here is
 * not given twice.
 */
export async function refundAmount(ctx: RefundContext, storeId: string, orderId: string, request: AmountRefundRequest): Promise<Schemas['Order']> {
  const now = ctx.clock.now();
  const refundId = await ctx.transaction((tx) => countAmountRefund(tx, storeId, orderId, request, now));
  await driveRefund(ctx, refundId);
  return getOrder(ctx.db, { storeId }, orderId);
}

async function countAmountRefund(tx: Tx, storeId: string, orderId: string, request: AmountRefundRequest, now: Date): Promise<string> {
  const order = await lockStoreOrder(tx, storeId, orderId);
  const asked = JSON.stringify({ amounts: request.lines ?? null, shipping: request.shipping ?? null, reason: request.reason });
  const counted = request.key === undefined ? undefined : await refundOfRequest(tx, orderId, 'store', request.key);
  if (counted) {
    if (counted.request !== asked) throw platformErrors.IDEMPOTENCY_KEY_REUSED();
    return counted.id;
  }
  if (!CANCELLABLE_BY.store.includes(order.status)) throw orderErrors.ORDER_NOT_CANCELLABLE({ detail: `The order is ${order.status}` });
  const lines = await tx.db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('position').execute();
  const perLine = amountsPerLine(order, lines, request.lines);
  const shipping = request.shipping === undefined ? 0 : checkedAmount(order, request.shipping, '#/shipping');
  if (shipping > 0) {
    const left = await shippingLeft(tx, order, lines);
    if (shipping > left) {
      throw orderErrors.ORDER_REFUND_EXCEEDS_PAID({
        detail: `${left} ${order.currency} of the shipping is left to give back, not ${shipping}`,
        errors: [{ pointer: '#/shipping/amount', message: `${left} left` }],
      });
    }
  }
  const refunded: Array<{ lineId: string; quantity: number; amount: number }> = [];
  for (const [lineId, amount] of perLine) {
    refunded.push({ lineId, quantity: 0, amount });
    await tx.db
      .updateTable('order_lines')
      .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount) }))
      .where('id', '=', lineId)
      .execute();
  }
  return recordRefund(tx, order, {
    lines: refunded,
    shipping,
    reason: request.reason,
    by: 'store',
    restock: false,
    cancelsOrder: false,
    key: request.key,
    asked,
    now,
  });
}

/** The amounts per line id, each checked against what is left of its line's total. */
function amountsPerLine(order: OrderRow, lines: LineRow[], asked: AmountRefundRequest['lines']): Map<string, number> {
  const left = new Map(lines.map((line) => [line.id, Number(line.total) - Number(line.refunded_amount)]));
  const wanted = new Map<string, number>();
  (asked ?? []).forEach(({ lineId, amount }, index) => {
    const available = left.get(lineId);
    if (available === undefined)
      throw orderErrors.ORDER_LINE_NOT_FOUND({
        detail: `No line ${lineId} in this order`,
        errors: [{ pointer: `#/lines/${index}/lineId`, message: 'not a line of this order' }],
      });
    const total = (wanted.get(lineId) ?? 0) + checkedAmount(order, amount, `#/lines/${index}/amount`);
    if (total > available) {
      throw orderErrors.ORDER_REFUND_EXCEEDS_PAID({
        detail: `Line ${lineId} has ${available} ${order.currency} left to give back, not ${total}`,
        errors: [{ pointer: `#/lines/${index}/amount/amount`, message: `${available} left` }],
      });
    }
    wanted.set(lineId, total);
  });
  return wanted;
}

/** A positive amount in the order's currency. */
function checkedAmount(order: OrderRow, money: Money, pointer: string): number {
  if (money.currency !== order.currency) {
    throw orderErrors.ORDER_REFUND_CURRENCY_MISMATCH({
      detail: `The order is in ${order.currency}, not ${money.currency}`,
      errors: [{ pointer: `${pointer}/currency`, message: `must be ${order.currency}` }],
    });
  }
  if (!Number.isSafeInteger(money.amount) || money.amount < 1) {
    throw platformErrors.VALIDATION_FAILED({
      detail: 'An amount to give back is at least 1 minor unit',
      errors: [{ pointer: `${pointer}/amount`, message: 'must be at least 1' }],
    });
  }
  return money.amount;
}

/**
 * What is left of the shipping to give back: what the order charged beyond its lines, less the
 * shipping of its refunds that count (every status but `failed`, which was undone).
 */
async function shippingLeft(tx: Tx, order: OrderRow, lines: LineRow[]): Promise<number> {
  const beyondLines = Number(order.total) - lines.reduce((sum, line) => sum + Number(line.total), 0);
  const given = await tx.db
    .selectFrom('order_refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('shipping'), eb.lit(0)).as('total'))
    .where('order_id', '=', order.id)
    .where('status', '<>', 'failed')
    .executeTakeFirstOrThrow();
  return Math.max(0, beyondLines - Number(given.total));
}
