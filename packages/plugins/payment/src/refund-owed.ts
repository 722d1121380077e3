import type { PaymentComponents } from '@tokobapak/sdk';
import { paymentErrors } from './errors.js';
import type { PaymentRow, RefundRow } from './mappers.js';
import { lockPayment, mustRead, type PaymentContext, recordHistory } from './transitions.js';

type Schemas = PaymentComponents['schemas'];

/**
 * What refused refunds still owe the customer, kept on the payment (`refund_owed`) so the admins'
 * `refundFailed` queue says exactly "a refund was refused and nobody made it good since":
 *
 * - a refusal adds the refused amount;
 * - a refund that goes through takes its amount off, if it was requested at or after the oldest
 *   refusal still owed (a refund already under way when the refusal came is not a redo of it);
 * - an admin's acknowledgement (the money went back outside the store) clears it;
 * - it is never more than the payment still holds, so a payment refunded in full owes nothing.
 *
 * Several refusals of one intent (a refund retried under new keys, refused each time) add up, so
 * one redo leaves the rest owed: a person looks once more and acknowledges. The opposite rule would
 * hide money still owed when two different refunds were refused and only one was redone.
 */
export interface Owed {
  refund_owed: number;
  refund_owed_since: Date | null;
}

/** After the gateway refused `amount` of a payment (locked by the caller). */
export function owedAfterRefusal(payment: PaymentRow, amount: number, now: Date): Owed {
  const held = Number(payment.amount) - Number(payment.refunded_amount);
  const owed = Math.min(Number(payment.refund_owed) + amount, held);
  return { refund_owed: owed, refund_owed_since: payment.refund_owed_since ?? now };
}

/** After `refund` of a payment (locked by the caller) went through, leaving `refundedTotal` refunded. */
export function owedAfterRefund(payment: PaymentRow, refund: RefundRow, refundedTotal: number): Owed {
  let owed = Number(payment.refund_owed);
  const since = payment.refund_owed_since;
  if (owed > 0 && since !== null && new Date(refund.created_at).getTime() >= new Date(since).getTime()) owed = Math.max(0, owed - Number(refund.amount));
  owed = Math.min(owed, Number(payment.amount) - refundedTotal);
  return { refund_owed: owed, refund_owed_since: owed > 0 ? since : null };
}

/**
 * An admin says the money of a payment's refused refunds went back another way: nothing is owed
 * any more, the history says who said so and how, and `payment.refund-failure-acknowledged` tells
 * the order service (which kept those refunds as owed). A payment owing nothing is answered as it
 * is, so a repeated or concurrent acknowledgement (they queue on the payment's lock) records once.
 */
export async function acknowledgeRefundFailure(ctx: PaymentContext, paymentId: string, adminId: string, note: string): Promise<Schemas['Payment']> {
  await ctx.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment) throw paymentErrors.PAYMENT_NOT_FOUND();
    const owed = Number(payment.refund_owed);
    if (owed === 0) return;
    const now = ctx.clock.now();
    await tx.db.updateTable('payments').set({ refund_owed: 0, refund_owed_since: null, updated_at: now }).where('id', '=', paymentId).execute();
    const said = `refused refunds of ${owed} ${payment.currency} settled outside the store, says admin ${adminId}: ${note}`;
    await recordHistory(tx, paymentId, payment.status, 'api', said.slice(0, 500), now);
    // The order service keeps the refunds the gateway refused as owed by hand until it hears this.
    await tx.publish({
      type: 'payment.refund-failure-acknowledged',
      subject: paymentId,
      data: {
        paymentId,
        reference: payment.reference,
        customerId: payment.customer_id,
        settled: { amount: owed, currency: payment.currency },
        provider: payment.provider,
      },
    });
  });
  return mustRead(ctx, paymentId);
}
