import type { PaymentComponents } from '@tokobapak/sdk';
import { isProblemError, newId } from '@tokobapak/server';
import type { Selectable } from 'kysely';
import type { PaymentDatabase } from './database.js';
import { paymentErrors } from './errors.js';
import type { Gateways } from './providers/index.js';
import { lockPayment, mustRead, type PaymentContext, recordHistory, type Tx } from './transitions.js';

type Schemas = PaymentComponents['schemas'];
type RefundRow = Selectable<PaymentDatabase['refunds']>;

/**
 * Refunds part or all of a paid payment, in three steps that can each be repeated:
 *
 * 1. Under the payment's row lock, the refund is recorded `pending` with the caller's key; pending
 *    and succeeded refunds together may not pass what was paid, so concurrent refunds queue on the
 *    lock and the ones that would pass it are refused before any money moves.
 * 2. The gateway is asked to refund with the refund's id as its idempotency key (outside any
 *    transaction).
 * 3. The refund succeeds, the payment's refunded amount grows, and `payment.refunded` is published.
 *
 * The same key again returns the payment (and finishes a refund left pending); a refund whose
 * gateway call got no answer stays pending, and the reconciliation job retries it with the same key.
 */
export async function refundPayment(
  ctx: PaymentContext,
  gateways: Gateways,
  paymentId: string,
  key: string,
  input: Schemas['RefundInput'],
): Promise<Schemas['Payment']> {
  const refund = await reserveRefund(ctx, paymentId, key, input);
  if (refund.status === 'pending') await sendRefund(ctx, gateways, refund);
  return mustRead(ctx, paymentId);
}

async function reserveRefund(ctx: PaymentContext, paymentId: string, key: string, input: Schemas['RefundInput']): Promise<RefundRow> {
  return ctx.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment) throw paymentErrors.PAYMENT_NOT_FOUND();
    const existing = await tx.db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).where('idempotency_key', '=', key).executeTakeFirst();
    if (existing) {
      if (Number(existing.amount) !== input.amount.amount || existing.currency !== input.amount.currency) {
        throw paymentErrors.PAYMENT_REFUND_MISMATCH(`Key ${key} already refunded ${existing.amount} ${existing.currency}`);
      }
      return existing;
    }
    if (input.amount.currency !== payment.currency) throw paymentErrors.PAYMENT_CURRENCY_MISMATCH(`The payment is in ${payment.currency}`);
    if (payment.status !== 'paid' && payment.status !== 'partially_refunded') throw paymentErrors.PAYMENT_NOT_REFUNDABLE(`The payment is ${payment.status}`);
    const held = await tx.db
      .selectFrom('refunds')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('amount'), eb.lit(0)).as('total'))
      .where('payment_id', '=', paymentId)
      .where('status', 'in', ['pending', 'succeeded'])
      .executeTakeFirstOrThrow();
    const left = Number(payment.amount) - Number(held.total);
    if (input.amount.amount > left) throw paymentErrors.PAYMENT_REFUND_EXCEEDS_PAID(`At most ${left} ${payment.currency} can still be refunded`);
    const now = ctx.clock.now();
    return tx.db
      .insertInto('refunds')
      .values({
        id: newId('rfd'),
        payment_id: paymentId,
        idempotency_key: key,
        amount: input.amount.amount,
        currency: input.amount.currency,
        reason: input.reason ?? null,
        status: 'pending',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Asks the gateway for a pending refund and records the outcome. Safe to repeat: the gateway dedupes by the refund id. */
export async function sendRefund(ctx: PaymentContext, gateways: Gateways, refund: RefundRow): Promise<void> {
  const payment = await ctx.db.selectFrom('payments').select('provider').where('id', '=', refund.payment_id).executeTakeFirstOrThrow();
  try {
    await gateways.byName(payment.provider).refund(ctx, refund.payment_id, {
      refundKey: refund.id,
      amount: Number(refund.amount),
      currency: refund.currency,
      reason: refund.reason,
    });
  } catch (error) {
    if (isProblemError(error) && error.code === 'PAYMENT_PROVIDER_REFUSED') await failRefund(ctx, refund.id);
    throw error;
  }
  await ctx.transaction((tx) => completeRefund(tx, refund.id, ctx.clock.now()));
}

async function failRefund(ctx: PaymentContext, refundId: string): Promise<void> {
  await ctx.transaction(async (tx) => {
    await tx.db
      .updateTable('refunds')
      .set({ status: 'failed', updated_at: ctx.clock.now() })
      .where('id', '=', refundId)
      .where('status', '=', 'pending')
      .execute();
  });
}

async function completeRefund(tx: Tx, refundId: string, now: Date): Promise<void> {
  const pending = await tx.db.selectFrom('refunds').select('payment_id').where('id', '=', refundId).executeTakeFirstOrThrow();
  const payment = await lockPayment(tx, pending.payment_id);
  // Re-read under the payment's lock: a concurrent completion of the same refund may have won.
  const refund = await tx.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
  if (!payment || refund.status !== 'pending') return;
  const refundedTotal = Number(payment.refunded_amount) + Number(refund.amount);
  const fullyRefunded = refundedTotal === Number(payment.amount);
  const status = fullyRefunded ? 'refunded' : 'partially_refunded';
  await tx.db.updateTable('refunds').set({ status: 'succeeded', updated_at: now }).where('id', '=', refundId).execute();
  await tx.db.updateTable('payments').set({ refunded_amount: refundedTotal, status, updated_at: now }).where('id', '=', payment.id).execute();
  await recordHistory(
    tx,
    payment.id,
    status,
    'api',
    `refund ${refund.id}: ${refund.amount} ${refund.currency}${refund.reason ? ` (${refund.reason})` : ''}`.slice(0, 500),
    now,
  );
  await tx.publish({
    type: 'payment.refunded',
    subject: payment.id,
    data: {
      paymentId: payment.id,
      reference: payment.reference,
      customerId: payment.customer_id,
      amount: { amount: Number(refund.amount), currency: refund.currency },
      refundId: refund.id,
      refundedTotal: { amount: refundedTotal, currency: payment.currency },
      fullyRefunded,
      provider: payment.provider,
    },
  });
}
