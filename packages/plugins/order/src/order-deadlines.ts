import type { PluginContext } from '@tokobapak/server';
import { cancelOrder } from './cancellation.js';
import type { OrderDatabase, OrderStatus } from './database.js';
import type { OrderEvents } from './generated/manifest.js';
import type { OrderSettings } from './options.js';
import { completeLocked } from './order-desk.js';

type Ctx = Pick<PluginContext<OrderDatabase, OrderEvents>, 'db' | 'transaction' | 'clock' | 'clients' | 'log'>;

const HOUR_MS = 3_600_000;
const BATCH = 50;
/** The key of the platform's cancellation of an order: a pass after a crash drives the refund the first counted. */
const ACCEPT_DEADLINE_KEY = 'accept-deadline';

/**
 * The platform's two deadlines on an order, so that neither side waits on the other for ever:
 *
 * - a `paid` order the store has not accepted `acceptWithinHours` after it was paid is cancelled by
 *   the platform and refunded in full (`by: system`; its stock goes back), as a customer cancelling
 *   it would be;
 * - a `shipped` order nobody completed `completeShippedAfterDays` after it shipped (no delivery came
 *   from the carrier, the store did not complete it) is completed by the platform, so the store is
 *   paid (its fee fixed, `order.completed`); not one whose parcel the carrier returned or cancelled.
 *
 * Run by the `order-deadlines` job; each order is its own change, so one that fails (a refund the
 * payment service cannot make now) is left for the next pass and does not stop the others.
 * Returns how many orders it moved.
 */
export async function enforceOrderDeadlines(ctx: Ctx, settings: OrderSettings): Promise<number> {
  const now = ctx.clock.now();
  let moved = 0;
  if (settings.acceptWithinHours > 0) {
    const due = await overdue(ctx, 'paid', new Date(now.getTime() - settings.acceptWithinHours * HOUR_MS));
    const reason = `The store did not accept the order within ${settings.acceptWithinHours} hours`;
    for (const order of due) {
      try {
        await cancelOrder(ctx, { storeId: order.store_id }, order.id, { reason, by: 'system', key: ACCEPT_DEADLINE_KEY });
        moved += 1;
      } catch (error) {
        ctx.log.warn({ err: error, orderId: order.id }, 'cancelling an order the store did not accept in time failed; the next pass tries again');
      }
    }
  }
  if (settings.completeShippedAfterDays > 0) {
    const due = await overdue(ctx, 'shipped', new Date(now.getTime() - settings.completeShippedAfterDays * 24 * HOUR_MS));
    const note = `Completed ${settings.completeShippedAfterDays} days after it shipped`;
    for (const order of due) {
      try {
        const completed = await ctx.transaction(async (tx) => {
          const locked = await tx.db.selectFrom('orders').selectAll().where('id', '=', order.id).forUpdate().executeTakeFirst();
          // Completed, cancelled or delivered since the read: nothing to do.
          if (locked?.status !== 'shipped') return false;
          await completeLocked(tx, locked, 'system', note, now);
          return true;
        });
        if (completed) moved += 1;
      } catch (error) {
        // A refund still being made holds completion back (`ORDER_REFUND_PENDING`) until it is through.
        ctx.log.warn({ err: error, orderId: order.id }, 'completing a shipped order past its deadline failed; the next pass tries again');
      }
    }
  }
  return moved;
}

/** Orders in `status` that came into it at or before `before` (by their history), oldest first. */
function overdue(ctx: Ctx, status: Extract<OrderStatus, 'paid' | 'shipped'>, before: Date) {
  return (
    ctx.db
      .selectFrom('orders')
      .select(['orders.id', 'orders.store_id'])
      .where('orders.status', '=', status)
      // A parcel the carrier returned never reached the customer: the store decides what happens.
      .where('orders.parcel_returned_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('order_status_history')
            .select('order_status_history.id')
            .whereRef('order_status_history.order_id', '=', 'orders.id')
            .where('order_status_history.status', '=', status)
            .where('order_status_history.at', '<=', before),
        ),
      )
      .orderBy('orders.id')
      .limit(BATCH)
      .execute()
  );
}
