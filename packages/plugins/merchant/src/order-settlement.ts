import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, PermanentEventFailure } from '@tokobapak/server';
import type { Db } from './context.js';
import type { MerchantDatabase } from './database.js';
import type { MerchantEvents } from './generated/manifest.js';
import { credit, debit, post } from './ledger.js';

const subscribe = eventSubscriber<MerchantDatabase, MerchantEvents>();

type Completed = MerchantEvents['consumes']['order.completed'];
type Refunded = MerchantEvents['consumes']['order.refunded'];

/**
 * `order.completed` credits the store, `order.refunded` after completion debits it. Each posting
 * is keyed by the order (completion) or the refund, so a redelivered or republished event posts
 * nothing the second time, whatever its event id.
 */
export const postOrderMoney = subscribe({
  name: 'post-order-money',
  types: [eventTypes.order.completed, eventTypes.order.refunded],
  async handle(event, tx) {
    const now = new Date(event.time);
    if (event.type === eventTypes.order.completed) await postCompletion(tx.db, event.data, now);
    else await postRefund(tx.db, event.data, now);
  },
});

/**
 * The store is credited what it keeps of a completed order: the total, less what was refunded
 * before completion, less the platform fee; the fee goes to the platform's revenue and the rest of
 * the money stays in clearing. Refunds made before completion are therefore not debited again
 * (see {@link postRefund}): an order cancelled and refunded before it completed never touches the
 * store's balance at all.
 */
export async function postCompletion(db: Db, data: Completed, now: Date): Promise<void> {
  const { currency } = data.total;
  if (data.refunded.currency !== currency || data.platformFee.currency !== currency) {
    throw new PermanentEventFailure(`order ${data.orderId}: total, refunded and platformFee must share one currency`);
  }
  const collected = data.total.amount - data.refunded.amount;
  const fee = data.platformFee.amount;
  if (collected < 0 || fee < 0 || fee > collected) {
    throw new PermanentEventFailure(`order ${data.orderId}: refunded ${data.refunded.amount} and fee ${fee} do not fit in total ${data.total.amount}`);
  }
  const rate = (data.platformFeeBasisPoints / 100).toFixed(2);
  await post(
    db,
    {
      kind: 'order_completed',
      storeId: data.storeId,
      currency,
      sourceKey: `order.completed:${data.orderId}`,
      orderId: data.orderId,
      memo: `Order completed: total ${data.total.amount}, refunded before completion ${data.refunded.amount}, platform fee ${fee} (${rate}%)`,
      lines: [debit('platform_clearing', collected), credit('store_available', collected - fee), credit('platform_fee_revenue', fee)],
    },
    now,
  );
}

/**
 * A refund after completion takes its amount from the store's available balance (the platform's
 * fee is not returned), even below zero: the customer has been paid back already, and the store's
 * next earnings make it up; withdrawals wait until available covers them. A refund made before
 * completion was already left out of the completion's credit, so it posts nothing.
 */
export async function postRefund(db: Db, data: Refunded, now: Date): Promise<void> {
  if (!data.orderCompleted) return;
  await post(
    db,
    {
      kind: 'order_refunded',
      storeId: data.storeId,
      currency: data.amount.currency,
      sourceKey: `order.refunded:${data.refundId}`,
      orderId: data.orderId,
      refundId: data.refundId,
      memo: `Refund ${data.refundId} of a completed order`,
      lines: [debit('store_available', data.amount.amount), credit('platform_clearing', data.amount.amount)],
    },
    now,
  );
}
