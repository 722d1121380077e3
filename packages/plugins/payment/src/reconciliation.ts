import { type OrphanReport, sweepCancelled } from './orphan-charges.js';
import type { Gateways } from './providers/index.js';
import { sendRefund } from './refunds.js';
import { applyGatewayStatus, lockPayment, type PaymentContext, settle } from './transitions.js';

const BATCH = 100;

/** What one reconciliation run did. */
export interface ReconciliationReport {
  checked: number;
  settled: number;
  refundsRetried: number;
  /** Recently cancelled payments checked at their gateway (`orphan-charges.ts`). */
  cancelledChecked: OrphanReport;
}

/**
 * The reconciliation job: for every payment pending longer than `afterMs` (or past its expiry),
 * asks its gateway what became of it and applies the answer — a notification that never arrived
 * changes nothing for long. The sandbox gateway expires its own unpaid charges when asked, so
 * sandbox payments past `expiresAt` expire here. A payment whose charge the gateway never received
 * (the store crashed or timed out before) fails. Refunds left pending by a lost answer are sent
 * again with their key, which the gateway dedupes. Recently cancelled payments are checked once at
 * their gateway for a charge left there (`orphan-charges.ts`).
 */
export async function reconcile(
  ctx: PaymentContext & { log: { warn(details: object, message: string): void } },
  gateways: Gateways,
  afterMs: number,
): Promise<ReconciliationReport> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - afterMs);
  const due = await ctx.db
    .selectFrom('payments')
    .select(['id', 'provider', 'instructions', 'created_at'])
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('created_at', '<=', cutoff), eb('expires_at', '<=', now)]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(BATCH)
    .execute();
  const report: ReconciliationReport = { checked: 0, settled: 0, refundsRetried: 0, cancelledChecked: { checked: 0, cancelled: 0, refunded: 0 } };
  for (const payment of due) {
    report.checked += 1;
    try {
      const provider = gateways.byName(payment.provider);
      const answer = await provider.status(ctx, payment.id);
      if (answer === null) {
        const failed = await ctx.transaction(async (tx) => {
          const row = await lockPayment(tx, payment.id);
          if (row?.status !== 'pending' || row.instructions !== null) return false;
          await settle(tx, row, 'failed', 'reconciliation', `${provider.name}: the gateway never received the charge`, ctx.clock.now());
          return true;
        });
        if (failed) report.settled += 1;
        continue;
      }
      const applied = await applyGatewayStatus(
        ctx,
        {
          paymentId: payment.id,
          provider: provider.name,
          status: answer.status,
          amount: answer.amount,
          note: `${provider.name}: ${answer.status} (reconciled)`,
        },
        'reconciliation',
      );
      if (applied.applied) report.settled += 1;
    } catch (error) {
      // One gateway hiccup must not stop the others; the next run asks again.
      ctx.log.warn({ err: error, paymentId: payment.id }, 'payment reconciliation failed');
    }
  }
  report.cancelledChecked = await sweepCancelled(ctx, gateways, afterMs);
  const stuckRefunds = await ctx.db
    .selectFrom('refunds')
    .selectAll()
    .where('status', '=', 'pending')
    .where('created_at', '<=', cutoff)
    .orderBy('created_at')
    .limit(BATCH)
    .execute();
  for (const refund of stuckRefunds) {
    try {
      await sendRefund(ctx, gateways, refund);
      report.refundsRetried += 1;
    } catch (error) {
      ctx.log.warn({ err: error, refundId: refund.id }, 'refund reconciliation failed');
    }
  }
  return report;
}
