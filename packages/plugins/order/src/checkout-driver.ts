import type { PluginContext } from '@tokobapak/server';
import { sql } from 'kysely';
import { SETTLEMENT_COLUMNS, type SettlementMemo, type SettlementView } from './checkout-store.js';
import { wakeCheckoutReads } from './checkout-waits.js';
import type { CheckoutStatus, OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';
import { releaseProcess, settleProcess } from './settlement.js';

type Ctx = PluginContext<OrderDatabase, OrderEvents>;

const BATCH = 20;

/** Where a decided checkout goes, and the failure it records. */
interface Decision {
  status: CheckoutStatus;
  message: string | null;
}

/** The checkout status a payment event decides, and why. */
export const OUTCOMES: Record<string, Decision> = {
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
 *
 * Deciding and finding are one statement, run every pass: the checkouts it decides come back from
 * its update, the ones decided before (by a payment's event, a cancellation, an earlier pass) from
 * its read, which sees the table as it was before the update (so the two never overlap).
 */
export async function settleCheckouts(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const outcomes = Object.keys(OUTCOMES);
  const unfinished = await ctx.db
    .with('decided', (db) =>
      db
        .updateTable('checkouts')
        .set({
          status: decide<CheckoutStatus>(now, (decided) => decided.status, 'expired'),
          failure_message: decide<string | null>(now, (decided) => decided.message, 'the checkout was not paid in time'),
          payment_status: sql<string | null>`case when expires_at <= ${now} then payment_status else payment_outcome end`,
          updated_at: now,
        })
        .where('status', '=', 'awaiting_payment')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('payment_outcome', 'in', outcomes)]))
        .returning(SETTLEMENT_COLUMNS),
    )
    .selectFrom('decided')
    .select(SETTLEMENT_COLUMNS)
    .unionAll((db) =>
      db
        .selectFrom('checkouts')
        .select(SETTLEMENT_COLUMNS)
        .where(sql<boolean>`(status = 'paid' and settled_at is null) or (status in ('failed', 'expired', 'cancelled') and released_at is null)`),
    )
    .orderBy('id')
    .limit(BATCH)
    .execute();
  await Promise.all(unfinished.map((checkout) => driveCheckout(ctx, checkout, checkout)));
  return unfinished.length;
}

/**
 * What a checkout waiting for its payment becomes, by the first that applies: its time ran out
 * (`expired`, even when a payment outcome is waiting too), or the payment outcome it keeps.
 */
function decide<T>(now: Date, pick: (decided: Decision) => T, whenExpired: T) {
  const byOutcome = Object.entries(OUTCOMES).map(([outcome, decided]) => sql`when payment_outcome = ${outcome} then ${pick(decided)}`);
  return sql<T>`case when expires_at <= ${now} then ${whenExpired} ${sql.join(byOutcome, sql` `)} end`;
}

/**
 * Runs the settling or releasing process of one decided checkout (once per attempt), then wakes
 * the reads waiting for it. Given the checkout as just read (`known`), its steps need not read it again.
 */
export async function driveCheckout(
  ctx: Pick<Ctx, 'db' | 'processes' | 'log'>,
  checkout: { id: string; status: CheckoutStatus; attempts: number },
  known?: SettlementView,
): Promise<void> {
  const definition = checkout.status === 'paid' ? settleProcess : releaseProcess;
  const memo: SettlementMemo = known ? { checkout: known } : {};
  const run = await ctx.processes.start(definition, {
    key: `${definition.name}:${checkout.id}:${checkout.attempts}`,
    input: { checkoutId: checkout.id },
    transient: memo,
  });
  // Reads waiting for the outcome answer the checkout as the settling left it, or look again (and
  // wait on, should it still be unfinished).
  wakeCheckoutReads(checkout.id, run.status === 'succeeded' ? memo.settled : undefined);
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
