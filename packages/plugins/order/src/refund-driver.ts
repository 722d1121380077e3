import { eventTypes } from '@tokobapak/sdk';
import { type HandlerContext, isRefusal } from '@tokobapak/server';
import type { OrderDatabase } from './database.js';
import { orderErrors } from './errors.js';
import type { OrderEvents } from './generated/manifest.js';
import { recordStatus, type Tx } from './order-desk.js';

/** What driving a refund needs: the database, the clock, and the payment and inventory services. */
export type RefundContext = Pick<HandlerContext<OrderDatabase, OrderEvents>, 'db' | 'transaction' | 'clock' | 'clients'>;

/**
 * Takes a counted (`pending`) refund to its end, each step idempotent so that the request that
 * counted it and the `finish-refunds` job can both drive it: the payment service refunds the amount
 * (its idempotency key is the refund id, so it refunds once whatever the retries), the units of an
 * order that never left go back to stock (`returnStock`, once per refund id), and one transaction
 * marks the refund `succeeded`, publishes `order.refunded` and, with the last unit, cancels the
 * order. When the payment's gateway refuses to send the money back (Midtrans refunds no bank
 * transfer), at once or on the payment service's own retry, the cancellation stands all the same:
 * the refund ends `owed`, the platform's admins are told by the payment service and pay it back by
 * hand, and their acknowledgement makes it `succeeded` (`refund-acknowledgements.ts`). Only the
 * payment service's own refusals (a 4xx: nothing left to refund, not paid) undo the count (the
 * refund is `failed`, no `order.refunded`, so the store's ledger never sees it). When payment or
 * inventory cannot be reached the refund stays pending (`ORDER_REFUND_DELAYED`) and the job drives
 * it again.
 */
export async function driveRefund(ctx: RefundContext, refundId: string): Promise<void> {
  const refund = await ctx.db.selectFrom('order_refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
  if (refund.status !== 'pending') return;
  const order = await ctx.db.selectFrom('orders').selectAll().where('id', '=', refund.order_id).executeTakeFirstOrThrow();
  let paymentRefundId: string | null = null;
  let ending: 'succeeded' | 'owed' = 'succeeded';
  if (Number(refund.amount) > 0) {
    const made = await refundThroughPayment(ctx, refundId, order, refund);
    if (made.status === 'pending') await delayed(ctx, refundId, new Error(`payment refund ${made.id} is still pending at the gateway`));
    // Refused by the gateway (the payment service keeps it as owed and tells its admins): the
    // customer is paid back by hand, and the cancellation the store or the customer asked for stands.
    if (made.status === 'failed') ending = 'owed';
    paymentRefundId = made.id;
  }
  if (refund.restock) {
    const lines = await ctx.db.selectFrom('order_lines').select(['id', 'variant_id']).where('order_id', '=', order.id).execute();
    const variantOf = new Map(lines.map((line) => [line.id, line.variant_id]));
    const items = refund.lines.flatMap((line) => {
      const variantId = variantOf.get(line.lineId);
      return variantId && line.quantity > 0 ? [{ variantId, quantity: line.quantity }] : [];
    });
    if (items.length > 0) {
      // The money went back already: whatever inventory answers, the refund stays counted and the job returns the stock later.
      await ctx.clients.inventory.returnStock({ body: { reference: refundId, items } }).catch((error: unknown) => delayed(ctx, refundId, error));
    }
  }
  await ctx.transaction((tx) => finishRefund(tx, refundId, paymentRefundId, ending, ctx.clock.now()));
}

type OrderRow = { id: string; checkout_id: string; currency: string };
type PaymentRefund = { id: string; status: 'pending' | 'succeeded' | 'failed' };

/**
 * Asks the payment service to refund (idempotency key `order-refund:<refund id>`, so a retry refunds
 * once) and returns the payment's refund it made, as the payment service has it now (`failed` when
 * the gateway refused it). The payment service's own refusal (a 4xx other than the gateway's)
 * undoes the count and is passed on; no answer leaves the refund pending for the job.
 */
async function refundThroughPayment(
  ctx: RefundContext,
  refundId: string,
  order: OrderRow,
  refund: { amount: number | string; reason: string | null },
): Promise<PaymentRefund> {
  const checkout = await ctx.db.selectFrom('checkouts').select('payment_id').where('id', '=', order.checkout_id).executeTakeFirstOrThrow();
  if (!checkout.payment_id) throw new Error(`order ${order.id}: its checkout has no payment to refund`);
  // The refund id in the reason finds the gateway's refund among the payment's (a payment pays every order of its checkout).
  const reason = `${refundId}: ${refund.reason ?? 'Order cancelled'}`.slice(0, 500);
  let payment: Awaited<ReturnType<RefundContext['clients']['payment']['refundPayment']>>;
  try {
    payment = await ctx.clients.payment.refundPayment({
      params: { paymentId: checkout.payment_id },
      idempotencyKey: `order-refund:${refundId}`,
      body: { amount: { amount: Number(refund.amount), currency: order.currency }, reason },
    });
  } catch (error) {
    // Anything but a final "no" (a failure, no answer, "not now") leaves the refund pending and driven again.
    if (!isRefusal(error)) return delayed(ctx, refundId, error);
    if ((error as { code?: string }).code !== 'PAYMENT_PROVIDER_REFUSED') {
      await ctx.transaction((tx) => undoRefund(tx, refundId, ctx.clock.now()));
      throw error;
    }
    // The gateway's "no": the payment service recorded its refund failed (and owed); read it back.
    payment = await ctx.clients.payment.getPayment({ params: { paymentId: checkout.payment_id } }).catch((unread: unknown) => delayed(ctx, refundId, unread));
  }
  const made = payment.refunds.find((candidate) => candidate.reason?.startsWith(`${refundId}:`));
  if (!made) throw new Error(`payment ${payment.id} shows no refund for ${refundId}`);
  return made;
}

/** Counts a failed attempt on a refund that stays pending, and answers that it will be finished later. */
async function delayed(ctx: RefundContext, refundId: string, cause: unknown): Promise<never> {
  await ctx.db
    .updateTable('order_refunds')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', refundId)
    .execute();
  const reason = (cause as { message?: string })?.message ?? String(cause);
  throw orderErrors.ORDER_REFUND_DELAYED({ detail: `Refund ${refundId} is counted and will be finished in the background (${reason.slice(0, 200)})` });
}

/**
 * Marks a pending refund done (`succeeded`, or `owed` when the gateway refused it and it is paid
 * back by hand): `order.refunded`, and once every unit's refund is through the order `cancelled`.
 */
async function finishRefund(tx: Tx, refundId: string, paymentRefundId: string | null, ending: 'succeeded' | 'owed', now: Date): Promise<void> {
  const refund = await tx.db.selectFrom('order_refunds').selectAll().where('id', '=', refundId).forUpdate().executeTakeFirstOrThrow();
  if (refund.status !== 'pending') return;
  const order = await tx.db.selectFrom('orders').selectAll().where('id', '=', refund.order_id).forUpdate().executeTakeFirstOrThrow();
  await tx.db.updateTable('order_refunds').set({ status: ending, payment_refund_id: paymentRefundId, updated_at: now }).where('id', '=', refundId).execute();
  const amount = Number(refund.amount);
  if (amount > 0) {
    await tx.publish({
      type: eventTypes.order.refunded,
      subject: order.id,
      data: {
        orderId: order.id,
        storeId: order.store_id,
        customerId: order.customer_id,
        amount: { amount, currency: order.currency },
        refundId,
        orderCompleted: refund.after_completion,
      },
    });
  }
  if (order.status !== 'cancelled' && (await everyUnitRefunded(tx, order.id))) {
    await recordStatus(tx, order.id, 'cancelled', refund.actor, refund.reason, now);
    await tx.publish({
      type: eventTypes.order.cancelled,
      subject: order.id,
      data: {
        orderId: order.id,
        checkoutId: order.checkout_id,
        storeId: order.store_id,
        customerId: order.customer_id,
        by: refund.actor,
        reason: refund.reason,
      },
    });
  }
}

/**
 * True when the refunds that went through cover every unit of the order: every unit is counted and
 * no other refund of it is still pending. A refund that counted the last units is not enough on its
 * own: an earlier one still pending may yet be refused, and its units would come back to an order
 * already `cancelled` (and never completed, so the store would never be paid for them). The
 * refund that finishes last cancels the order. Read under the order's row lock.
 */
async function everyUnitRefunded(tx: Tx, orderId: string): Promise<boolean> {
  const left = await tx.db
    .selectFrom('order_lines')
    .select('id')
    .where('order_id', '=', orderId)
    .where((eb) => eb('refunded_quantity', '<', eb.ref('quantity')))
    .limit(1)
    .executeTakeFirst();
  if (left) return false;
  const pending = await tx.db
    .selectFrom('order_refunds')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .limit(1)
    .executeTakeFirst();
  return pending === undefined;
}

/** Takes a refund the payment service refused off the order's counters, as if it was never asked. */
async function undoRefund(tx: Tx, refundId: string, now: Date): Promise<void> {
  const refund = await tx.db.selectFrom('order_refunds').selectAll().where('id', '=', refundId).forUpdate().executeTakeFirstOrThrow();
  if (refund.status !== 'pending') return;
  await tx.db.selectFrom('orders').select('id').where('id', '=', refund.order_id).forUpdate().execute();
  for (const line of refund.lines) {
    await tx.db
      .updateTable('order_lines')
      .set((eb) => ({ refunded_quantity: eb('refunded_quantity', '-', line.quantity), refunded_amount: eb('refunded_amount', '-', line.amount) }))
      .where('id', '=', line.lineId)
      .execute();
  }
  await tx.db
    .updateTable('orders')
    .set((eb) => ({ refunded: eb('refunded', '-', Number(refund.amount)), updated_at: now }))
    .where('id', '=', refund.order_id)
    .execute();
  await tx.db.updateTable('order_refunds').set({ status: 'failed', updated_at: now }).where('id', '=', refundId).execute();
}

/** Drives the refunds left pending for at least `olderThanMs` (a crash, or a service that could not be reached). */
export async function finishPendingRefunds(ctx: RefundContext, olderThanMs: number): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - olderThanMs);
  const pending = await ctx.db
    .selectFrom('order_refunds')
    .select('id')
    .where('status', '=', 'pending')
    .where('created_at', '<=', before)
    .orderBy('created_at')
    .limit(50)
    .execute();
  let finished = 0;
  for (const { id } of pending) {
    try {
      await driveRefund(ctx, id);
      finished += 1;
    } catch {
      // Still not through (or refused and undone): the next pass tries what is left.
    }
  }
  return finished;
}
