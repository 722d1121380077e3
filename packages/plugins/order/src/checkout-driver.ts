import type { PluginContext } from '@tokobapak/server';
import { sql } from 'kysely';
import { SETTLEMENT_COLUMNS, type SettlementView } from './checkout-store.js';
import type { CheckoutStatus, OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';
import { releaseProcess, settleProcess } from './settlement.js';

type Ctx = PluginContext<OrderDatabase, OrderEvents>;

const BATCH = 20;

/** The checkout status a payment event decides, and why. */
export const OUTCOMES: Record<string, { status: CheckoutStatus; message: string | null }> = {
  paid: { status: 'paid', message: null },
  failed: { status: 'failed', message: 'the payment failed' },
  expired: { status: 'expired', message: 'the payment expired' },
  cancelled: { status: 'cancelled', message: 'the payment was cancelled' },
};

/**
 * One pass of the settling job: decides the checkouts whose time ran out or whose payment outcome
 * came before their orders were placed, then drives every decided checkout that is not finished
 * through its settling or releasing process. A process that fails is started again on a later pass
 * (its key counts the attempts), so a service that was down only delays a checkout.
 */
export async function settleCheckouts(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  await ctx.db
    .updateTable('checkouts')
    .set({ status: 'expired', failure_message: 'the checkout was not paid in time', updated_at: now })
    .where('status', '=', 'awaiting_payment')
    .where('expires_at', '<=', now)
    .execute();
  for (const [outcome, decided] of Object.entries(OUTCOMES)) {
    await ctx.db
      .updateTable('checkouts')
      .set({ status: decided.status, failure_message: decided.message, payment_status: outcome, updated_at: now })
      .where('status', '=', 'awaiting_payment')
      .where('payment_outcome', '=', outcome)
      .execute();
  }
  const unfinished = await ctx.db
    .selectFrom('checkouts')
    .select(SETTLEMENT_COLUMNS)
    .where(sql<boolean>`(status = 'paid' and settled_at is null) or (status in ('failed', 'expired', 'cancelled') and released_at is null)`)
    .orderBy('id')
    .limit(BATCH)
    .execute();
  await Promise.all(unfinished.map((checkout) => driveCheckout(ctx, checkout, checkout)));
  return unfinished.length;
}

/**
 * Runs the settling or releasing process of one decided checkout (once per attempt). Given the
 * checkout as just read (`known`), its steps need not read it again.
 */
export async function driveCheckout(
  ctx: Pick<Ctx, 'db' | 'processes' | 'log'>,
  checkout: { id: string; status: CheckoutStatus; attempts: number },
  known?: SettlementView,
): Promise<void> {
  const definition = checkout.status === 'paid' ? settleProcess : releaseProcess;
  const run = await ctx.processes.start(definition, {
    key: `${definition.name}:${checkout.id}:${checkout.attempts}`,
    input: { checkoutId: checkout.id },
    transient: known ? { checkout: known } : {},
  });
  if (run.status === 'compensated') {
    ctx.log.warn({ checkoutId: checkout.id, error: run.error }, `the ${definition.name} of a checkout failed; it will be tried again`);
    await ctx.db
      .updateTable('checkouts')
      .set({ attempts: checkout.attempts + 1 })
      .where('id', '=', checkout.id)
      .where('attempts', '=', checkout.attempts)
      .execute();
  }
}
