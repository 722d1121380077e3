import type { PaymentContext } from './transitions.js';

/** Rows deleted per statement, and statements per run: a run stays short however many are due. */
const BATCH = 1000;
const MAX_BATCHES = 50;

/**
 * The pruning job: deletes the void records (`voided_references`) older than the retention, oldest
 * first, in batches. A void only has to outlive every create of its reference that could still
 * arrive (a retry, or a call in flight since before a crash: minutes, at most the life of a charge),
 * and the retention is kept far longer than that (`voidRetentionDays`, at least seven days). A
 * payment made for the reference stays, and keeps the reference taken: a create of it after the
 * pruning finds that payment, not a new charge. Answers how many it deleted.
 */
export async function pruneVoidedReferences(ctx: PaymentContext, retentionMs: number): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionMs);
  let pruned = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const result = await ctx.db
      .deleteFrom('voided_references')
      .where('reference', 'in', (eb) =>
        eb.selectFrom('voided_references').select('reference').where('voided_at', '<', cutoff).orderBy('voided_at').orderBy('reference').limit(BATCH),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    pruned += deleted;
    if (deleted < BATCH) break;
  }
  return pruned;
}
