import type { PaymentComponents } from '@tokobapak/sdk';
import { isProblemError, newId } from '@tokobapak/server';
import { paymentErrors } from './errors.js';
import type { PaymentRow, RefundRow } from './mappers.js';
import type { Gateways } from './providers/index.js';
import { owedAfterRefund, owedAfterRefusal } from './refund-owed.js';
import { lockPayment, mustRead, type PaymentContext, recordHistory, type Tx } from './transitions.js';

type Schemas = PaymentComponents['schemas'];

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
    const left = await refundableLeft(tx, payment);
    if (input.amount.amount > left) throw paymentErrors.PAYMENT_REFUND_EXCEEDS_PAID(`At most ${left} ${payment.currency} can still be refunded`);
    return insertRefund(tx, payment, key, input.amount.amount, input.reason ?? null, ctx.clock.now());
  });
}

/**
 * Refunds all a paid payment still holds, under a key of the service's own (`voidPayment`, and
 * reconciliation for a charge the gateway took after the payment was cancelled here). The same key
 * again finds the refund it made, so retries, also concurrent ones (they queue on the payment's
 * lock), refund once; a refund left pending is sent again. A payment that holds nothing (never
 * paid, or refunded already) is left as it is. A refund the gateway refused is answered as that
 * refusal every time, for a person to settle, until an admin acknowledges paying it back by hand
 * (`refund-owed.ts`): the money is not dropped silently.
 */
export async function refundInFull(ctx: PaymentContext, gateways: Gateways, paymentId: string, key: string, reason: string): Promise<void> {
  const refund = await ctx.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment) throw paymentErrors.PAYMENT_NOT_FOUND();
    return reserveWhatIsLeft(tx, payment, key, reason, ctx.clock.now());
  });
  if (refund?.status === 'pending') await sendRefund(ctx, gateways, refund);
  if (refund?.status === 'failed') {
    throw paymentErrors.PAYMENT_PROVIDER_REFUSED(`The gateway refused refund ${refund.id} of payment ${paymentId}: it must be refunded another way`);
  }
}

/**
 * In the caller's transaction, with the payment locked: the refund of `key`, or a new one of all
 * the payment still holds; null when it holds nothing.
 */
export async function reserveWhatIsLeft(tx: Tx, payment: PaymentRow, key: string, reason: string, now: Date): Promise<RefundRow | null> {
  const existing = await tx.db.selectFrom('refunds').selectAll().where('payment_id', '=', payment.id).where('idempotency_key', '=', key).executeTakeFirst();
  if (existing && existing.status !== 'failed') return existing;
  const holds = payment.status === 'paid' || payment.status === 'partially_refunded';
  const left = holds ? await refundableLeft(tx, payment) : 0;
  // A refused refund stands while the money is still there and owed; once it went back another way
  // (refunded since, or an admin acknowledged paying it back by hand), nothing is owed and the void is done.
  if (existing) return left > 0 && Number(payment.refund_owed) > 0 ? existing : null;
  return left > 0 ? insertRefund(tx, payment, key, left, reason, now) : null;
}

/** What may still be refunded: the amount less the refunds pending or made. */
async function refundableLeft(tx: Tx, payment: PaymentRow): Promise<number> {
  const held = await tx.db
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('amount'), eb.lit(0)).as('total'))
    .where('payment_id', '=', payment.id)
    .where('status', 'in', ['pending', 'succeeded'])
    .executeTakeFirstOrThrow();
  return Number(payment.amount) - Number(held.total);
}

async function insertRefund(tx: Tx, payment: PaymentRow, key: string, amount: number, reason: string | null, now: Date): Promise<RefundRow> {
  return tx.db
    .insertInto('refunds')
    .values({
      id: newId('rfd'),
      payment_id: payment.id,
      idempotency_key: key,
      amount,
      currency: payment.currency,
      reason,
      status: 'pending',
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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

/**
 * The gateway refused a pending refund: it is `failed`, the payment owes its amount
 * (`refund-owed.ts`), and `payment.refund-failed` tells a person. Only the call that moves the
 * refund out of pending does this, under the payment's lock: a retry, a replayed call or a
 * concurrent sender of the same refund finds it failed already, so the refusal is told once.
 */
async function failRefund(ctx: PaymentContext, refundId: string): Promise<void> {
  await ctx.transaction(async (tx) => {
    const now = ctx.clock.now();
    const payment = await lockPaymentOfRefund(tx, refundId);
    const refund = await tx.db
      .updateTable('refunds')
      .set({ status: 'failed', updated_at: now })
      .where('id', '=', refundId)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!payment || !refund) return;
    const owed = owedAfterRefusal(payment, Number(refund.amount), now);
    await tx.db.updateTable('payments').set(owed).where('id', '=', payment.id).execute();
    await tx.publish({
      type: 'payment.refund-failed',
      subject: payment.id,
      data: { ...refundEventData(payment, refund), reason: refund.reason, owed: { amount: owed.refund_owed, currency: payment.currency } },
    });
  });
}

async function completeRefund(tx: Tx, refundId: string, now: Date): Promise<void> {
  const payment = await lockPaymentOfRefund(tx, refundId);
  // Re-read under the payment's lock: a concurrent completion of the same refund may have won.
  const refund = await tx.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
  if (!payment || refund.status !== 'pending') return;
  const refundedTotal = Number(payment.refunded_amount) + Number(refund.amount);
  const fullyRefunded = refundedTotal === Number(payment.amount);
  const status = fullyRefunded ? 'refunded' : 'partially_refunded';
  await tx.db.updateTable('refunds').set({ status: 'succeeded', updated_at: now }).where('id', '=', refundId).execute();
  await tx.db
    .updateTable('payments')
    .set({ refunded_amount: refundedTotal, status, updated_at: now, ...owedAfterRefund(payment, refund, refundedTotal) })
    .where('id', '=', payment.id)
    .execute();
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
    data: { ...refundEventData(payment, refund), refundedTotal: { amount: refundedTotal, currency: payment.currency }, fullyRefunded },
  });
}

/** The payment of a refund, locked: refunds of one payment are decided one at a time. */
async function lockPaymentOfRefund(tx: Tx, refundId: string): Promise<PaymentRow | undefined> {
  const refund = await tx.db.selectFrom('refunds').select('payment_id').where('id', '=', refundId).executeTakeFirstOrThrow();
  return lockPayment(tx, refund.payment_id);
}

/** What `payment.refunded` and `payment.refund-failed` both say of a refund and its payment. */
function refundEventData(payment: PaymentRow, refund: RefundRow) {
  return {
    paymentId: payment.id,
    reference: payment.reference,
    customerId: payment.customer_id,
    amount: { amount: Number(refund.amount), currency: refund.currency },
    refundId: refund.id,
    provider: payment.provider,
  };
}
