import type { PaymentComponents } from '@tokobapak/sdk';
import { isProblemError } from '@tokobapak/server';
import { paymentErrors } from './errors.js';
import type { PaymentRow } from './mappers.js';
import type { Gateways } from './providers/index.js';
import type { GatewayTransaction, PaymentProvider } from './providers/provider.js';
import { applyGatewayStatus, lockPayment, mustRead, type PaymentContext, settle } from './transitions.js';

type Payment = PaymentComponents['schemas']['Payment'];

/**
 * Cancels a pending payment at the gateway, then here. The gateway's answer wins: when the customer
 * paid a moment before, the payment becomes paid and the cancellation is refused.
 */
export async function cancelPayment(ctx: PaymentContext, gateways: Gateways, paymentId: string, reason: string | undefined): Promise<Payment> {
  const row = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!row) throw paymentErrors.PAYMENT_NOT_FOUND();
  if (row.status === 'cancelled') return mustRead(ctx, paymentId);
  if (row.status !== 'pending') throw paymentErrors.PAYMENT_NOT_CANCELLABLE(`The payment is ${row.status}`);
  const after = await cancelPending(ctx, gateways, row, reason ? `cancelled: ${reason}` : 'cancelled');
  if (after.status !== 'cancelled') throw paymentErrors.PAYMENT_NOT_CANCELLABLE(`The payment is ${after.status}`);
  return after;
}

/**
 * Cancels a payment at its gateway (one read pending, or one a void cancelled here while its charge
 * was under way), then records what the gateway says (`cancelled`,
 * or where the payment went meanwhile: paid, expired …) in one transaction; answers the payment as
 * it then is. Safe to run twice and concurrently (a void and the create it caught may both run it).
 */
export async function cancelPending(ctx: PaymentContext, gateways: Gateways, row: PaymentRow, note: string): Promise<Payment> {
  const provider = gateways.byName(row.provider);
  const answer = await cancelAtGateway(ctx, provider, row);
  const status = answer?.status ?? 'cancelled';
  if (status === 'cancelled') {
    const chargedMeanwhile = await ctx.transaction(async (tx) => {
      const locked = await lockPayment(tx, row.id);
      // The gateway had no charge, but the payment has its answer now: the charge was made after
      // the gateway was asked (a charge made in the statement that stores its answer, `charging.ts`,
      // commits both at once, having held this lock). Asked again, the gateway has it to cancel.
      if (answer === null && locked?.status === 'pending' && locked.instructions !== null) return locked;
      if (locked?.status === 'pending') await settle(tx, locked, 'cancelled', 'api', note.slice(0, 500), ctx.clock.now());
      return undefined;
    });
    if (chargedMeanwhile) return cancelPending(ctx, gateways, chargedMeanwhile, note);
  } else {
    await applyGatewayStatus(
      ctx,
      { paymentId: row.id, provider: provider.name, status, amount: answer?.amount ?? null, note: `${provider.name}: ${status} at cancel` },
      'api',
    );
  }
  return mustRead(ctx, row.id);
}

/** The gateway's transaction after cancelling it there, or null when the gateway never received the charge. */
async function cancelAtGateway(ctx: PaymentContext, provider: PaymentProvider, row: PaymentRow): Promise<GatewayTransaction | null> {
  // A charge whose answer was never stored may or may not have reached the gateway (a crash, a
  // timeout, a create still under way): ask, and cancel only what is there and still pending.
  if (row.instructions === null) {
    const known = await provider.status(ctx, row.id);
    if (known?.status !== 'pending') return known;
  }
  return cancelCharge(ctx, provider, row.id);
}

/** Cancels a charge at its gateway; answers the transaction as the gateway then has it (paid, if it was paid a moment before). */
export async function cancelCharge(ctx: PaymentContext, provider: PaymentProvider, paymentId: string): Promise<GatewayTransaction> {
  try {
    return await provider.cancel(ctx, paymentId);
  } catch (error) {
    // Refused (Midtrans refuses to cancel what is no longer pending): paid a moment before, or
    // cancelled by a concurrent call. The gateway's status says which; only still pending is a refusal.
    if (!isProblemError(error) || error.code !== 'PAYMENT_PROVIDER_REFUSED') throw error;
    const known = await provider.status(ctx, paymentId);
    if (!known || known.status === 'pending') throw error;
    return known;
  }
}
