import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber } from '@tokobapak/server';
import type { OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';

const subscribe = eventSubscriber<OrderDatabase, OrderEvents>();

/**
 * An admin acknowledged paying back by hand what a payment's refused refunds owed: the refunds this
 * service kept as `owed` for the orders of that payment's checkout (its reference) are `succeeded`
 * now. The acknowledgement clears everything the payment owed, so every owed refund of those orders
 * is settled by it. Idempotent: a redelivery finds none owed.
 */
export const settleOwedRefunds = subscribe({
  name: 'settle-owed-refunds',
  types: [eventTypes.payment.refundFailureAcknowledged],
  async handle(event, tx) {
    const checkoutId = event.data.reference;
    if (!checkoutId.startsWith('chk_')) return;
    await tx.db
      .updateTable('order_refunds')
      .set({ status: 'succeeded', updated_at: new Date(event.time) })
      .where('status', '=', 'owed')
      .where('order_id', 'in', (eb) => eb.selectFrom('orders').select('orders.id').where('orders.checkout_id', '=', checkoutId))
      .execute();
  },
});
