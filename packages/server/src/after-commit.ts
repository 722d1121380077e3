import type { Kysely, Transaction } from 'kysely';

/**
 * Registers work to run once the transaction at hand has committed. It never runs when the
 * transaction rolls back. For what must act on the transaction's outcome but cannot run inside it
 * (start a process, call another service), without reading back what the transaction wrote.
 */
export type AfterCommit = (work: () => void) => void;

/** Where work that threw after a commit is reported (it can undo nothing, so it is only logged). */
export interface AfterCommitLog {
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * Runs `fn` in a transaction of `db`, then, once it has committed, the work `fn` registered through
 * its `afterCommit`, in order. A rollback (`fn` or the commit throwing) drops the work. The work
 * runs synchronously: whatever it starts it starts in the background, so a slow one does not hold
 * the caller's answer, and one that throws is logged rather than reported as the transaction failing.
 */
export async function transactionThen<DB, T>(
  db: Kysely<DB>,
  log: AfterCommitLog,
  fn: (trx: Transaction<DB>, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  const committed: Array<() => void> = [];
  const result = await db.transaction().execute((trx) => fn(trx, (work) => committed.push(work)));
  for (const work of committed) {
    try {
      work();
    } catch (error) {
      log.error({ err: error }, 'work to run after a commit failed');
    }
  }
  return result;
}
