import type { OrderComponents } from '@tokobapak/sdk';
import { newId, platformErrors } from '@tokobapak/server';
import type { Actor } from './database.js';
import { orderErrors } from './errors.js';
import type { LineRow, OrderRow } from './mappers.js';
import { lockOwnedOrder, type Tx } from './order-desk.js';
import { getOrder, type OrderOwner } from './order-reads.js';
import { lineRefund } from './refund-amounts.js';
import { driveRefund, type RefundContext } from './refund-driver.js';

type Schemas = OrderComponents['schemas'];

/** What to cancel: some units of some lines, or (no `lines`) everything not cancelled yet. */
export interface CancelRequest {
  lines?: Array<{ lineId: string; quantity: number }> | undefined;
  reason: string | null;
  /** `system`: the platform, for a store that did not accept a paid order in time (`order-deadlines.ts`). */
  by: Actor;
  /** The request's `Idempotency-Key`: a retry with it drives the refund it counted instead of counting another. */
  key?: string | undefined;
}

// A store cancels until the end (a return after completion is a cancellation of lines too); its
// customer, and the platform for a store that never answered, only before the store took it on.
export const CANCELLABLE_BY: Record<CancelRequest['by'], readonly string[]> = {
  store: ['paid', 'accepted', 'shipped', 'completed'],
  customer: ['paid'],
  system: ['paid'],
};

/**
 * Cancels units of an order and refunds them: the refund is counted under the order's row lock
 * (lines, order and a `pending` refund row in one transaction, so concurrent cancellations are
 * taken one at a time and can never count more than was paid), then driven through the payment
 * service and the stock return outside the transaction (see {@link driveRefund}). A retry of a
 * request (same `Idempotency-Key`) after `503 ORDER_REFUND_DELAYED` finds the refund it counted and
 * drives that one again, so however often a store retries, its units are counted once.
 */
export async function cancelOrder(ctx: RefundContext, owner: OrderOwner, orderId: string, request: CancelRequest): Promise<Schemas['Order']> {
  const now = ctx.clock.now();
  const refundId = await ctx.transaction((tx) => countRefund(tx, owner, orderId, request, now));
  await driveRefund(ctx, refundId);
  return getOrder(ctx.db, owner, orderId);
}

/** Counts the cancellation on the locked order and its lines, and records it as a pending refund; returns the refund's id. */
async function countRefund(tx: Tx, owner: OrderOwner, orderId: string, request: CancelRequest, now: Date): Promise<string> {
  const order = await lockOwnedOrder(tx, owner, orderId);
  // Under the order's lock, so concurrent retries with one key find the refund the first counted.
  const asked = JSON.stringify({ lines: request.lines ?? null, reason: request.reason });
  const counted = request.key === undefined ? undefined : await refundOfRequest(tx, orderId, request.by, request.key);
  if (counted) {
    if (counted.request !== asked) throw platformErrors.IDEMPOTENCY_KEY_REUSED();
    return counted.id;
  }
  if (!CANCELLABLE_BY[request.by].includes(order.status)) {
    const detail = request.by === 'customer' && order.status !== 'cancelled' ? 'The store took the order on: ask the store' : `The order is ${order.status}`;
    throw orderErrors.ORDER_NOT_CANCELLABLE({ detail });
  }
  const lines = await tx.db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('position').execute();
  const wanted = unitsToCancel(lines, request.lines);
  if (wanted.size === 0) throw orderErrors.ORDER_NOT_CANCELLABLE({ detail: 'Every unit of the order is cancelled already' });

  const refunded: Array<{ lineId: string; quantity: number; amount: number }> = [];
  for (const line of lines) {
    const units = wanted.get(line.id);
    if (!units) continue;
    const amount = lineRefund(line, Number(line.refunded_amount), line.refunded_quantity, units);
    refunded.push({ lineId: line.id, quantity: units, amount });
    await tx.db
      .updateTable('order_lines')
      .set((eb) => ({ refunded_quantity: eb('refunded_quantity', '+', units), refunded_amount: eb('refunded_amount', '+', amount) }))
      .where('id', '=', line.id)
      .execute();
  }
  const linesAmount = refunded.reduce((sum, line) => sum + line.amount, 0);
  const cancelsOrder = lines.every((line) => line.refunded_quantity + (wanted.get(line.id) ?? 0) === line.quantity);
  const shipped = order.status === 'shipped' || order.status === 'completed';
  // With the last unit of an order that never left, what it charged beyond its lines (shipping).
  const shipping = cancelsOrder && !shipped ? Number(order.total) - Number(order.refunded) - linesAmount : 0;
  return recordRefund(tx, order, {
    lines: refunded,
    shipping,
    reason: request.reason,
    by: request.by,
    restock: !shipped,
    cancelsOrder,
    key: request.key,
    asked,
    now,
  });
}

/** A refund counted on an order, as {@link recordRefund} writes it. */
export interface CountedRefund {
  lines: Array<{ lineId: string; quantity: number; amount: number }>;
  /** The part that is the order's shipping. */
  shipping: number;
  reason: string | null;
  by: Actor;
  restock: boolean;
  cancelsOrder: boolean;
  key: string | undefined;
  /** What the request asked, kept with its key so that the key reused for another request is refused. */
  asked: string;
  now: Date;
}

/**
 * Writes a refund the caller counted on the locked order's lines: the order's `refunded` grows by
 * its amount (its lines and shipping) and a `pending` refund row records it, for
 * {@link driveRefund} to take through. Cancellations and money given back without cancelling
 * (`amount-refunds.ts`) both end here. Returns the refund's id.
 */
export async function recordRefund(tx: Tx, order: OrderRow, refund: CountedRefund): Promise<string> {
  const amount = refund.lines.reduce((sum, line) => sum + line.amount, 0) + refund.shipping;
  await tx.db
    .updateTable('orders')
    .set((eb) => ({ refunded: eb('refunded', '+', amount), updated_at: refund.now }))
    .where('id', '=', order.id)
    .execute();
  const refundId = newId('orf');
  await tx.db
    .insertInto('order_refunds')
    .values({
      id: refundId,
      order_id: order.id,
      amount,
      reason: refund.reason,
      lines: JSON.stringify(refund.lines),
      payment_refund_id: null,
      status: 'pending',
      actor: refund.by,
      shipping: refund.shipping,
      restock: refund.restock,
      cancels_order: refund.cancelsOrder,
      after_completion: order.platform_fee !== null,
      request_key: refund.key ?? null,
      request: refund.key === undefined ? null : refund.asked,
      created_at: refund.now,
      updated_at: refund.now,
    })
    .execute();
  return refundId;
}

/** The `Idempotency-Key` a request sent, if any (the runtime hands header parameters over by their lower-case names). */
export function idempotencyKeyOf(headers: object | undefined): string | undefined {
  return (headers as Record<string, string | undefined> | undefined)?.['idempotency-key'];
}

/** The refund a request with this key counted on the order, unless the payment refused it (then the key is free again). */
export async function refundOfRequest(tx: Tx, orderId: string, by: CancelRequest['by'], key: string) {
  return tx.db
    .selectFrom('order_refunds')
    .select(['id', 'request'])
    .where('order_id', '=', orderId)
    .where('actor', '=', by)
    .where('request_key', '=', key)
    .where('status', '<>', 'failed')
    .executeTakeFirst();
}

/** The units to cancel per line id, checked against what is left of each line. */
function unitsToCancel(lines: LineRow[], asked: CancelRequest['lines']): Map<string, number> {
  const left = new Map(lines.map((line) => [line.id, line.quantity - line.refunded_quantity]));
  if (!asked) return new Map([...left].filter(([, units]) => units > 0));
  const wanted = new Map<string, number>();
  asked.forEach(({ lineId, quantity }, index) => {
    const available = left.get(lineId);
    if (available === undefined)
      throw orderErrors.ORDER_LINE_NOT_FOUND({
        detail: `No line ${lineId} in this order`,
        errors: [{ pointer: `#/lines/${index}/lineId`, message: 'not a line of this order' }],
      });
    const total = (wanted.get(lineId) ?? 0) + quantity;
    if (total > available) {
      throw orderErrors.ORDER_REFUND_EXCEEDS_PAID({
        detail: `Line ${lineId} has ${available} unit(s) left to cancel, not ${total}`,
        errors: [{ pointer: `#/lines/${index}/quantity`, message: `${available} left` }],
      });
    }
    wanted.set(lineId, total);
  });
  return wanted;
}
