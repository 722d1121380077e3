import { cancelCharge } from './cancellation.js';
import type { Gateways } from './providers/index.js';
import type { PaymentProvider } from './providers/provider.js';
import { reserveWhatIsLeft, sendRefund } from './refunds.js';
import { lockPayment, type PaymentContext, recordHistory, settle, type Tx } from './transitions.js';
import { voidRefundKey } from './voids.js';

/**
 * How far back cancelled payments are checked: the longest a charge can live at a gateway
 * (`expiresInSeconds` is at most seven days), so every charge that could still be paid, or have
 * been, is looked at; older ones are past their gateway's expiry.
 */
const LOOKBACK_MS = 7 * 86_400_000;
const BATCH = 100;

/** What one sweep of cancelled payments did. */
export interface OrphanReport {
  checked: number;
  /** Charges found pending at the gateway and cancelled there. */
  cancelled: number;
  /** Charges found paid at the gateway, recorded paid and refunded in full. */
  refunded: number;
}

type Due = { id: string; provider: string };

/**
 * Part of the reconciliation job: checks each recently cancelled payment once at its gateway, by
 * the payment id (the gateway's order id). A create that charged after a void or cancellation had
 * asked the gateway, and then crashed or lost the gateway's answer, leaves a charge there that our
 * record calls cancelled; the job only reads pending records, so nothing else would find it.
 *
 * A payment is checked once it has been cancelled for `afterMs` (a create still charging is done by
 * then) and within {@link LOOKBACK_MS}, at most {@link BATCH} a run, oldest first; once checked it
 * is marked (`gateway_checked_at`) and never asked about again, so a store's gateway gets one status
 * call per cancelled payment. A charge pending there is cancelled there; one paid there is recorded
 * paid and refunded in full under the void's refund key, so a run repeated or cut short refunds once.
 * A gateway that does not answer leaves the payment unmarked for the next run.
 */
export async function sweepCancelled(
  ctx: PaymentContext & { log: { warn(details: object, message: string): void } },
  gateways: Gateways,
  afterMs: number,
): Promise<OrphanReport> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('payments')
    .select(['id', 'provider'])
    .where('status', '=', 'cancelled')
    .where('gateway_checked_at', 'is', null)
    .where('updated_at', '<=', new Date(now.getTime() - afterMs))
    .where('updated_at', '>', new Date(now.getTime() - LOOKBACK_MS))
    .orderBy('updated_at')
    .orderBy('id')
    .limit(BATCH)
    .execute();
  const report: OrphanReport = { checked: 0, cancelled: 0, refunded: 0 };
  for (const payment of due) {
    try {
      const outcome = await checkAtGateway(ctx, gateways, payment);
      report.checked += 1;
      if (outcome !== 'nothing') report[outcome] += 1;
    } catch (error) {
      // One gateway hiccup must not stop the others; the payment stays unmarked and is asked again.
      ctx.log.warn({ err: error, paymentId: payment.id }, 'cancelled payment check at the gateway failed');
    }
  }
  return report;
}

async function checkAtGateway(ctx: PaymentContext, gateways: Gateways, payment: Due): Promise<'nothing' | 'cancelled' | 'refunded'> {
  const provider = gateways.byName(payment.provider);
  const known = await provider.status(ctx, payment.id);
  const after = known?.status === 'pending' ? await cancelCharge(ctx, provider, payment.id) : known;
  if (after?.status === 'paid') return refundPaidThere(ctx, gateways, provider, payment);
  const cancelledThere = known?.status === 'pending' && after?.status !== 'pending';
  await ctx.transaction(async (tx) => {
    if (cancelledThere) {
      const note = `${provider.name}: a charge left ${after?.status === 'cancelled' ? 'pending was cancelled' : `pending is ${after?.status}`} at the gateway (reconciled)`;
      await recordHistory(tx, payment.id, 'cancelled', 'reconciliation', note, ctx.clock.now());
    }
    await markChecked(tx, payment.id, ctx.clock.now());
  });
  return cancelledThere ? 'cancelled' : 'nothing';
}

/**
 * The gateway took the money of a payment cancelled here: the record goes back to the truth (paid,
 * the one move out of a final status, made only on the gateway's own answer to this job) and the
 * whole amount is refunded, in the same transaction as the refund's reservation so that a crash
 * cannot leave it paid and unrefunded; a refund the gateway did not answer is retried by the job.
 */
async function refundPaidThere(ctx: PaymentContext, gateways: Gateways, provider: PaymentProvider, payment: Due): Promise<'nothing' | 'refunded'> {
  const refund = await ctx.transaction(async (tx) => {
    const row = await lockPayment(tx, payment.id);
    if (row?.status !== 'cancelled' || row.gateway_checked_at !== null) return undefined;
    const now = ctx.clock.now();
    await settle(tx, row, 'paid', 'reconciliation', `${provider.name}: paid at the gateway after it was cancelled here (reconciled)`, now);
    await markChecked(tx, row.id, now);
    return reserveWhatIsLeft(tx, { ...row, status: 'paid' }, voidRefundKey(row.id), 'charged at the gateway after the payment was cancelled', now);
  });
  if (refund === undefined) return 'nothing';
  if (refund?.status === 'pending') await sendRefund(ctx, gateways, refund);
  return 'refunded';
}

async function markChecked(tx: Tx, paymentId: string, now: Date): Promise<void> {
  await tx.db.updateTable('payments').set({ gateway_checked_at: now }).where('id', '=', paymentId).execute();
}
