import type { PaymentComponents } from '@tokobapak/sdk';
import { cancelPending } from './cancellation.js';
import type { Gateways } from './providers/index.js';
import { refundInFull } from './refunds.js';
import { mustRead, type PaymentContext } from './transitions.js';

type Schemas = PaymentComponents['schemas'];

/** Statuses of a payment that took money: a void refunds what they still hold. */
const TOOK_MONEY = new Set(['paid', 'partially_refunded', 'refunded']);

/** The key of the refund a void makes: one per payment, so every void of it refunds once. */
export const voidRefundKey = (paymentId: string) => `void:${paymentId}`;

/**
 * Voids a reference: records it void, then cancels its payment if one was made, and refunds it in
 * full if it took money. For a caller that cannot tell whether its create ever arrived, so it never
 * has to create a payment to learn, nor learn the payment's id to give the money back.
 *
 * The order matters. The void is committed before the payment is looked for, and a create commits
 * its payment before it stores the gateway's answer, where it checks for a void (`payments.ts`); so
 * of a void and a create racing, at least one sees the other: the void finds the payment and cancels
 * it, or the create finds the void, cancels its own charge and refuses. Neither leaves a live
 * payment. (A gateway charged in the statement that stores its answer, `charging.ts`, commits the
 * two at once, after the void may have looked there: that statement and `cancelPending` keep the
 * same promise.) The void is its own transaction, the cancellation another (`cancelPending`), the refund
 * others (`refundInFull`); a void cut short between them is finished by voiding again.
 *
 * A payment paid before it could be cancelled (also one the gateway reports paid when asked to
 * cancel) is refunded here rather than handed back to the caller: whoever voids is undoing the
 * purchase, and the refund's key is the payment's (`voidRefundKey`), so voids repeated or run at
 * once refund once. See docs/services/payment.md, "Voiding a reference".
 */
export async function voidPayment(ctx: PaymentContext, gateways: Gateways, input: Schemas['VoidInput']): Promise<Schemas['PaymentVoid']> {
  const voidedAt = await recordVoid(ctx, input.reference, input.reason ?? null);
  const row = await ctx.db.selectFrom('payments').selectAll().where('reference', '=', input.reference).executeTakeFirst();
  if (!row) return { reference: input.reference, voidedAt, payment: null };
  const note = input.reason ? `cancelled (void): ${input.reason}` : 'cancelled (void)';
  const payment = row.status === 'pending' ? await cancelPending(ctx, gateways, row, note) : await mustRead(ctx, row.id);
  if (!TOOK_MONEY.has(payment.status)) return { reference: input.reference, voidedAt, payment };
  const reason = `reference ${input.reference} voided${input.reason ? `: ${input.reason}` : ''}`.slice(0, 500);
  await refundInFull(ctx, gateways, payment.id, voidRefundKey(payment.id), reason);
  return { reference: input.reference, voidedAt, payment: await mustRead(ctx, payment.id) };
}

/** Writes the void (once: the first void's time and reason stay) and answers when it was first made. */
async function recordVoid(ctx: PaymentContext, reference: string, reason: string | null): Promise<string> {
  const now = ctx.clock.now();
  // One statement: the insert, or on a second void the update that changes nothing but returns the row.
  const row = await ctx.db
    .insertInto('voided_references')
    .values({ reference, reason: reason?.slice(0, 500) ?? null, voided_at: now })
    .onConflict((conflict) => conflict.column('reference').doUpdateSet((eb) => ({ reference: eb.ref('voided_references.reference') })))
    .returning('voided_at')
    .executeTakeFirstOrThrow();
  return new Date(row.voided_at).toISOString();
}
