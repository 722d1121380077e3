import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber } from '@tokobapak/server';
import { OUTCOMES } from './checkout-driver.js';
import type { OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';
import type { PromptSettlement } from './prompt-settlement.js';

const subscribe = eventSubscriber<OrderDatabase, OrderEvents>();

/**
 * A payment's outcome decides its checkout: a checkout waiting for the payment becomes `paid`,
 * `failed`, `expired` or `cancelled` in this transaction (whichever comes first of this and the
 * checkout's own expiry or cancellation wins; the conditional update makes it one). One still being
 * placed keeps the outcome for the settling job. A decided checkout is settled or released right
 * after this transaction (`settlement`), outside it; the settling job does it should that fail.
 */
export const trackPayments = (settlement: PromptSettlement) =>
  subscribe({
    name: 'track-payments',
    types: [eventTypes.payment.paid, eventTypes.payment.failed, eventTypes.payment.expired, eventTypes.payment.cancelled],
    // A shopper waits on the payment page for this. Arrival order does not matter here: whichever
    // outcome lands first decides (the conditional update), and the later ones are only recorded.
    prompt: true,
    async handle(event, tx) {
      const outcome = event.type.slice('payment.'.length);
      const decided = OUTCOMES[outcome];
      const checkoutId = event.data.reference;
      if (!decided || !checkoutId.startsWith('chk_')) return;
      const now = new Date(event.time);
      const moved = await tx.db
        .updateTable('checkouts')
        .set({ status: decided.status, failure_message: decided.message, payment_status: outcome, updated_at: now })
        .where('id', '=', checkoutId)
        .where('status', '=', 'awaiting_payment')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) > 0) {
        settlement.wake(checkoutId);
        return;
      }
      await tx.db.updateTable('checkouts').set({ payment_outcome: outcome, payment_status: outcome }).where('id', '=', checkoutId).execute();
    },
  });
