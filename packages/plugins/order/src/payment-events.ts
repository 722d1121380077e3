import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, queryTemplate } from '@tokobapak/server';
import { OUTCOMES } from './checkout-driver.js';
import { SETTLEMENT_COLUMNS, type SettlementView } from './checkout-store.js';
import type { CheckoutStatus, OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';
import type { PromptSettlement } from './prompt-settlement.js';

const subscribe = eventSubscriber<OrderDatabase, OrderEvents>();

/**
 * A checkout waiting for its payment takes the payment's outcome; compiled once (every paid
 * checkout runs it). It answers the checkout as it moved it, what its settling or releasing works
 * on (nothing when it did not move it).
 */
const decideCheckout = queryTemplate<OrderDatabase, { id: string; status: CheckoutStatus; message: string | null; outcome: string; now: Date }, SettlementView>(
  {
    name: 'order_checkout_decide',
    build: (db, p) =>
      db
        .updateTable('checkouts')
        .set({ status: p.status, failure_message: p.message, payment_status: p.outcome, updated_at: p.now })
        .where('id', '=', p.id)
        .where('status', '=', 'awaiting_payment')
        .returning(SETTLEMENT_COLUMNS),
  },
);

/**
 * A payment's outcome decides its checkout: a checkout waiting for the payment becomes `paid`,
 * `failed`, `expired` or `cancelled` in this transaction (whichever comes first of this and the
 * checkout's own expiry or cancellation wins; the conditional update makes it one). One still being
 * placed keeps the outcome for the settling job. A decided checkout is settled or released right
 * after this transaction commits (`settlement`), outside it; the settling job does it should that fail.
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
      const [moved] = await decideCheckout.execute(tx.db, { id: checkoutId, status: decided.status, message: decided.message, outcome, now });
      if (moved) {
        // As it commits: the row stays locked until then, and a payment has one outcome, so nothing
        // changes what the settling uses of it in between.
        tx.afterCommit(() => settlement.wake(moved));
        return;
      }
      await tx.db.updateTable('checkouts').set({ payment_outcome: outcome, payment_status: outcome }).where('id', '=', checkoutId).execute();
    },
  });
