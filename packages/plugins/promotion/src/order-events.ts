import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, executeRiding } from '@tokobapak/server';
import { sql } from 'kysely';
import type { PromotionDatabase } from './database.js';
import type { PromotionEvents } from './generated/manifest.js';

const subscribe = eventSubscriber<PromotionDatabase, PromotionEvents>();

/**
 * Feeds the first-order condition: a customer whose order (any store) was paid is no longer a
 * first-time buyer. Placing an order is not enough: a checkout left unpaid (expired, failed,
 * cancelled) must not use up the customer's first-order promotion. The earliest order wins, so a
 * redelivered or late event changes nothing. One statement per paid checkout, not per order.
 */
export const trackFirstOrders = subscribe({
  name: 'track-first-orders',
  types: [eventTypes.order.confirmed],
  async handle(event, tx) {
    // A checkout's orders (one per store) are confirmed together, each with its event, all for one
    // customer at one time and committed at once: the first of them records the customer for all
    // (the others would each run an upsert that changes nothing). An event without the list, from
    // before it was added (or one that does not list its own order), records as before.
    const together = event.data.checkoutOrderIds ?? [];
    if (together.includes(event.data.orderId) && together[0] !== event.data.orderId) return;
    const at = new Date(event.time);
    // Nothing reads its answer: it rides along with the delivery's next statement (executeRiding).
    await executeRiding(
      tx.db,
      tx.db
        .insertInto('ordering_customers')
        .values({ customer_id: event.data.customerId, first_order_at: at })
        .onConflict((conflict) =>
          conflict.column('customer_id').doUpdateSet({ first_order_at: sql`least(ordering_customers.first_order_at, excluded.first_order_at)` }),
        ),
    );
  },
});
