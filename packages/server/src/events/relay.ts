import type { Kysely } from 'kysely';
import { type AfterCommit, transactionThen } from '../after-commit.js';
import { type Backoff, exponentialBackoff } from './backoff.js';
import {
  type ConsumerStanding,
  claimEvent,
  claimEvents,
  consumerStandings,
  deadLetter,
  deleteRetry,
  dueRetries,
  failedAttempts,
  lockOffset,
  lockRetry,
  moveOffset,
  type Retry,
  readOffset,
  samePosition,
  scheduleRetry,
  unclaimEvents,
} from './consumer-state.js';
import { type LockedBatch, lockNextBatch } from './next-batch.js';
import { findEvent, heldBack, type OutboxPosition, type OutboxRow } from './outbox.js';
import { isPermanentFailure } from './permanent-failure.js';
import { createPromptDelivery } from './prompt-delivery.js';
import {
  comparePositions,
  deleteOutboxBatch,
  deleteProcessedBatch,
  laggingConsumers,
  type OutboxPruneRange,
  outboxPruneRange,
  tryPruneLock,
} from './retention.js';
import type { Consumer, EventLog, EventTransport, PruneResult } from './transport.js';

export type { Consumer, EventLog, EventTransport, PruneResult } from './transport.js';

/** Options of {@link createInProcessRelay}. */
export interface InProcessRelayOptions {
  /** The root handle (no schema plugin needed); consumers get a transaction of it. */
  db: Db;
  /** Every consumer this process runs; names must be unique. */
  consumers: Consumer[];
  /** How often to look for new events when not nudged (default 250 ms). */
  pollIntervalMs?: number;
  /**
   * The least time between the starts of two passes a commit asks for (default 50 ms). A pass costs
   * a few statements whatever it finds; under load commits come every few ms, and passes run back
   * to back, one or two events each. Spacing them lets each pass take what committed meanwhile.
   * A quiet store is not slowed: the first commit after a pause is passed on at once. Consumers a
   * shopper waits on are `prompt` and do not wait for a pass at all. 0 runs a pass per nudge.
   */
  minPassIntervalMs?: number;
  /**
   * Events of its types a consumer handles in one transaction (default 100). Larger batches cost
   * fewer statements per event but hold the transaction, and on embedded PGlite the one connection,
   * longer. Events of other types never count: they are passed over in bulk.
   */
  batchSize?: number;
  /** Failed deliveries before an event goes to `tokobapak.dead_letters` (default 8). */
  maxAttempts?: number;
  /** Delay before the next delivery after the n-th failure (default 500 ms · 2^(n-1), capped at 5 min, jittered). */
  backoff?: Backoff;
  /** Clock for retry schedules, bookkeeping timestamps and the retention cut-off. */
  now?: () => Date;
  /**
   * How long events are kept, in ms (default 7 days): outbox rows whose `time` is older, that every
   * consumer has moved past and that no retry or dead letter needs, and `processed_events` rows
   * older than this whose event has left the outbox, are deleted. `false` keeps everything.
   */
  retentionMs?: number | false;
  /** How often the relay prunes while started, in ms (default 5 minutes; the first pass one interval after `start()`). */
  pruneIntervalMs?: number;
  /** Rows deleted per statement while pruning (default 5,000): each statement is its own short transaction. */
  pruneBatchSize?: number;
  /** How long one pruning pass may keep deleting, in ms (default 5 s); the rest waits for the next pass. At least one batch per table runs. */
  pruneTimeBudgetMs?: number;
  /** Where failures and retries are reported (default: warnings and errors to the console). */
  log?: EventLog;
}

// biome-ignore lint/suspicious/noExplicitAny: the relay only touches schema `tokobapak` and hands the rest to consumers
type Db = Kysely<any>;

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_MIN_PASS_INTERVAL_MS = 50;
// Batches one consumer may take per pass before the others get their turn.
const BATCHES_PER_PASS = 10;
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
const DAY_MS = 24 * 60 * 60_000;
const DEFAULT_RETENTION_MS = 7 * DAY_MS;
const DEFAULT_PRUNE_INTERVAL_MS = 5 * 60_000;
const DEFAULT_PRUNE_BATCH_SIZE = 5_000;
const DEFAULT_PRUNE_TIME_BUDGET_MS = 5_000;
const START: OutboxPosition = { txId: '0', id: 0 };
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_ERROR_LENGTH = 4_000;

type Step = 'done' | 'busy' | 'stale';

/** Which handler of a batch failed, and how: set before the failure rolls the batch back. */
interface BatchFailure {
  failed?: { index: number; error: unknown };
}

interface PassResult {
  /** Nothing deliverable was left: every consumer at the end of what is committed, no due retry pending. */
  caughtUp: boolean;
  /** Something was delivered, skipped or retried. */
  progressed: boolean;
  error?: unknown;
}

const consoleLog: EventLog = {
  info() {},
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

/**
 * The database-backed {@link EventTransport}: polls `tokobapak.outbox` in transaction order and
 * delivers each event at least once to every consumer that wants its type, in a transaction that
 * also records it as processed, so a consumer's effects happen exactly once. Several processes may
 * run the same consumers against one PostgreSQL: a consumer's offset row is locked while delivering.
 *
 * @example
 * const relay = createInProcessRelay({
 *   db,
 *   consumers: [{
 *     name: 'mail.user-deleted',
 *     types: ['user.deleted'],
 *     handle: async (event, trx) => {
 *       await trx.insertInto('mail.suppressions').values({ user_id: event.subject }).execute();
 *     },
 *   }],
 * });
 * relay.start();
 */
export function createInProcessRelay(options: InProcessRelayOptions): EventTransport {
  const { db, consumers } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const minPassIntervalMs = options.minPassIntervalMs ?? DEFAULT_MIN_PASS_INTERVAL_MS;
  if (!(minPassIntervalMs >= 0 && minPassIntervalMs <= MAX_TIMER_MS))
    throw new Error(`event pass spacing must be between 0 and ${MAX_TIMER_MS} ms, got ${minPassIntervalMs}`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`event batch size must be a positive integer, got ${batchSize}`);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const backoff = options.backoff ?? exponentialBackoff();
  const now = options.now ?? (() => new Date());
  const log = options.log ?? consoleLog;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const pruneIntervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
  const pruneBatchSize = options.pruneBatchSize ?? DEFAULT_PRUNE_BATCH_SIZE;
  const pruneTimeBudgetMs = options.pruneTimeBudgetMs ?? DEFAULT_PRUNE_TIME_BUDGET_MS;
  if (retentionMs !== false && !(Number.isFinite(retentionMs) && retentionMs >= 0)) {
    throw new Error(`event retention must be a number of ms >= 0 or false, got ${retentionMs}`);
  }
  // setInterval turns anything above 2^31 - 1 ms (24.8 days) into 1 ms.
  if (!(pruneIntervalMs > 0 && pruneIntervalMs <= MAX_TIMER_MS))
    throw new Error(`event prune interval must be between 1 and ${MAX_TIMER_MS} ms, got ${pruneIntervalMs}`);
  if (!(Number.isInteger(pruneBatchSize) && pruneBatchSize > 0)) throw new Error(`event prune batch size must be a positive integer, got ${pruneBatchSize}`);
  if (!(pruneTimeBudgetMs >= 0)) throw new Error(`event prune time budget must be >= 0 ms, got ${pruneTimeBudgetMs}`);

  const names = new Set<string>();
  for (const consumer of consumers) {
    if (names.has(consumer.name)) throw new Error(`two event consumers are named '${consumer.name}'`);
    names.add(consumer.name);
  }

  const promptDelivery = createPromptDelivery({ db, consumers, now, log });
  let started = false;
  let stopping = false;
  let nudged = false;
  let timer: NodeJS.Timeout | undefined;
  // When the timer's last pass started (performance.now()), for `minPassIntervalMs`.
  let lastTickAt = Number.NEGATIVE_INFINITY;
  let timerDueAt = Number.POSITIVE_INFINITY;
  let running: Promise<PassResult> | undefined;
  let queued: Promise<PassResult> | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<PruneResult> | undefined;
  let pruneQueued: Promise<PruneResult> | undefined;

  // One pass at a time: a caller arriving during a pass gets the next one, shared with every other
  // caller that arrived meanwhile, so it sees everything committed before it asked.
  function pass(): Promise<PassResult> {
    if (!running) {
      running = runPass().finally(() => {
        running = undefined;
      });
      return running;
    }
    if (!queued) {
      const next = () => {
        queued = undefined;
        return pass();
      };
      queued = running.then(next, next);
    }
    return queued;
  }

  async function runPass(): Promise<PassResult> {
    const result: PassResult = { caughtUp: true, progressed: false };
    let standings: Map<string, ConsumerStanding>;
    try {
      // The due retries come with the standings, and consumers with nothing of their types to
      // deliver pass over the new events together in the same statement: most events are wanted by
      // a few consumers only, and a delivery each (a transaction and its reads) cost most of the
      // relay's statements. One that does not move (another process holds it) is left for the next
      // pass. One statement a pass, not three.
      const read = await consumerStandings(db, consumers, now(), !stopping);
      standings = read.standings;
      result.progressed ||= [...standings.values()].some((standing) => standing.skipped);
    } catch (error) {
      log.error({ err: error }, 'event relay: cannot read the outbox');
      return { caughtUp: false, progressed: false, error };
    }
    const idle = { caughtUp: true, progressed: false };
    for (const consumer of consumers) {
      if (stopping) return { ...result, caughtUp: false };
      try {
        const standing = standings.get(consumer.name);
        const stream = standing?.wanted ? await deliverStream(consumer, standing.offset) : idle;
        const retries = standing?.retryDue ? await deliverRetries(consumer) : idle;
        result.progressed ||= stream.progressed || retries.progressed;
        // Work done may have made more work (a failure schedules a retry that can be due at once):
        // only a pass that finds nothing to do proves the consumer has caught up.
        result.caughtUp &&= stream.caughtUp && retries.caughtUp && !stream.progressed && !retries.progressed;
      } catch (error) {
        result.caughtUp = false;
        result.error = error;
        log.error({ consumer: consumer.name, err: error }, 'event relay: delivery pass failed');
      }
    }
    return result;
  }

  /** `known`: the offset the pass's standings read; undefined for a consumer without an offset row yet. */
  async function deliverStream(consumer: Consumer, known: OutboxPosition | undefined): Promise<Omit<PassResult, 'error'>> {
    // The first delivery to a consumer creates its offset row, which every delivery locks.
    if (!known) await readOffset(db, consumer.name, now());
    let progressed = false;
    for (let batch = 0; batch < BATCHES_PER_PASS && !stopping; batch++) {
      const { step, full } = await deliverNextBatch(consumer);
      if (step === 'empty') return { caughtUp: true, progressed };
      // Another process holds this consumer: it is that process's turn.
      if (step === 'busy') return { caughtUp: false, progressed };
      if (step !== 'done') continue;
      progressed = true;
      // A batch short of full went to the head of the outbox as its read saw it: anything newer
      // waits for the next pass, which a pass that delivered is followed by at once. Reading the
      // offset and the outbox again here cost every delivery a transaction to find nothing.
      if (!full) return { caughtUp: false, progressed };
    }
    return { caughtUp: false, progressed };
  }

  // One transaction for the whole batch: its first statement locks the offset, reads the batch from
  // it and claims every event (next-batch.ts), the handlers run in order, and the offset moves past
  // the batch and every unwanted event in its range.
  async function deliverNextBatch(consumer: Consumer): Promise<{ step: Step | 'empty'; full: boolean }> {
    let read: LockedBatch | undefined;
    const failure: BatchFailure = {};
    try {
      return await transactionThen(db, log, async (trx, afterCommit): Promise<{ step: Step | 'empty'; full: boolean }> => {
        read = await lockNextBatch(trx, consumer.name, consumer.types, batchSize, now());
        if (!read) return { step: 'busy', full: false };
        if (!read.through) return { step: 'empty', full: false };
        await handleBatch(trx, afterCommit, consumer, read.rows, read.claimed, read.through, failure);
        return { step: 'done', full: read.rows.length >= batchSize };
      });
    } catch (error) {
      // Not a handler's failure (the database's, or a commit that failed): let the pass report it.
      if (!failure.failed || !read?.through) throw error;
      const step = await recoverBatch(consumer, read.offset, read.rows, read.through, failure.failed);
      return { step, full: false };
    }
  }

  // The rest of a batch after a failure, its events already read: the offset is locked and checked
  // against where the batch starts, then the events are claimed.
  async function deliverBatch(consumer: Consumer, offset: OutboxPosition, rows: OutboxRow[], through: OutboxPosition): Promise<Step> {
    const failure: BatchFailure = {};
    try {
      return await transactionThen(db, log, async (trx, afterCommit) => {
        const step = await checkOffset(trx, consumer, offset);
        if (step !== 'done') return step;
        const claimed = await claimEvents(
          trx,
          consumer.name,
          rows.map((row) => row.event.id),
          now(),
        );
        await handleBatch(trx, afterCommit, consumer, rows, claimed, through, failure);
        return 'done';
      });
    } catch (error) {
      if (!failure.failed) throw error;
      return recoverBatch(consumer, offset, rows, through, failure.failed);
    }
  }

  /**
   * Hands the claimed events of a batch to the consumer in order and moves the offset past the
   * batch. A handler's failure is noted in `failure` (for {@link recoverBatch}) and thrown, to roll back.
   */
  async function handleBatch(
    trx: Db,
    afterCommit: AfterCommit,
    consumer: Consumer,
    rows: OutboxRow[],
    claimed: Set<string>,
    through: OutboxPosition,
    failure: BatchFailure,
  ): Promise<void> {
    let reached = through;
    for (const [index, row] of rows.entries()) {
      // Stopping: commit what is handled so far rather than wait for the rest of the batch.
      if (stopping && index > 0) {
        reached = (rows[index - 1] as OutboxRow).position;
        // Claimed but not handled: their claims go, or the next delivery would pass them over.
        const unhandled = rows.slice(index).filter((rest) => claimed.has(rest.event.id));
        await unclaimEvents(
          trx,
          consumer.name,
          unhandled.map((rest) => rest.event.id),
        );
        break;
      }
      if (!claimed.has(row.event.id)) continue;
      try {
        await consumer.handle(row.event, trx, afterCommit);
      } catch (error) {
        failure.failed = { index, error };
        throw error;
      }
    }
    await moveOffset(trx, consumer.name, reached, now());
  }

  // The batch rolled back because one handler failed. The events before it are delivered again one
  // at a time (their first writes were rolled back; one at a time, so a failure among them, such as
  // a commit that fails, stays with its own event), the failure is recorded for its event alone
  // without running its handler again, and the events after it go on as a batch.
  async function recoverBatch(
    consumer: Consumer,
    offset: OutboxPosition,
    rows: OutboxRow[],
    through: OutboxPosition,
    failed: { index: number; error: unknown },
  ): Promise<Step> {
    let expected = offset;
    for (const row of rows.slice(0, failed.index)) {
      if (stopping) return 'busy';
      const step = await deliver(consumer, expected, row);
      if (step !== 'done') return step;
      expected = row.position;
    }
    const row = rows[failed.index] as OutboxRow;
    const step = await recordStreamFailure(consumer, expected, row, failed.error);
    if (step !== 'done' || samePosition(row.position, through)) return step;
    return deliverBatch(consumer, row.position, rows.slice(failed.index + 1), through);
  }

  async function deliver(consumer: Consumer, expected: OutboxPosition, row: OutboxRow): Promise<Step> {
    let handed = false;
    try {
      return await transactionThen(db, log, async (trx, afterCommit) => {
        const step = await checkOffset(trx, consumer, expected);
        if (step !== 'done') return step;
        handed = true;
        if (await claimEvent(trx, consumer.name, row.event.id, now())) await consumer.handle(row.event, trx, afterCommit);
        await moveOffset(trx, consumer.name, row.position, now());
        return 'done';
      });
    } catch (error) {
      // Failures before the handler ran are the database's, not the event's: let the pass report them.
      if (!handed) throw error;
      return recordStreamFailure(consumer, expected, row, error);
    }
  }

  // The failed delivery rolled back, offset included; this transaction schedules a retry and moves
  // the offset past the event, so one bad event does not hold up the ones behind it.
  async function recordStreamFailure(consumer: Consumer, expected: OutboxPosition, row: OutboxRow, error: unknown): Promise<Step> {
    return db.transaction().execute(async (trx) => {
      const step = await checkOffset(trx, consumer, expected);
      if (step !== 'done') return step;
      const attempts = (await failedAttempts(trx, consumer.name, row.event.id)) + 1;
      await recordFailure(trx, { consumer: consumer.name, eventId: row.event.id, attempts }, row, error);
      await moveOffset(trx, consumer.name, row.position, now());
      return 'done';
    });
  }

  async function checkOffset(trx: Db, consumer: Consumer, expected: OutboxPosition): Promise<Step> {
    const current = await lockOffset(trx, consumer.name);
    if (!current) return 'busy';
    return samePosition(current, expected) ? 'done' : 'stale';
  }

  async function deliverRetries(consumer: Consumer): Promise<Omit<PassResult, 'error'>> {
    const due = await dueRetries(db, consumer.name, now(), batchSize);
    // A retry that failed again may already be due again (no backoff), so only an empty list is caught up.
    const caughtUp = due.length === 0;
    let progressed = false;
    for (const retry of due) {
      if (stopping) return { caughtUp: false, progressed };
      if (await redeliver(consumer, retry)) progressed = true;
    }
    return { caughtUp, progressed };
  }

  /** False when another process holds or has already moved on the retry. */
  async function redeliver(consumer: Consumer, retry: Retry): Promise<boolean> {
    let handed: OutboxRow | undefined;
    try {
      return await transactionThen(db, log, async (trx, afterCommit) => {
        if (!(await lockRetry(trx, retry))) return false;
        const row = await findEvent(trx, retry.eventId);
        if (!row) {
          log.error({ consumer: consumer.name, eventId: retry.eventId }, 'event relay: event to retry is no longer in the outbox');
          await deleteRetry(trx, consumer.name, retry.eventId);
          return true;
        }
        handed = row;
        if (await claimEvent(trx, consumer.name, row.event.id, now())) {
          await consumer.handle(row.event, trx, afterCommit);
          log.info({ consumer: consumer.name, eventId: row.event.id, failedAttempts: retry.attempts }, 'event relay: retried event handled');
        }
        await deleteRetry(trx, consumer.name, retry.eventId);
        return true;
      });
    } catch (error) {
      if (!handed) throw error;
      const row = handed;
      return db.transaction().execute(async (trx) => {
        if (!(await lockRetry(trx, retry))) return false;
        await recordFailure(trx, { ...retry, attempts: retry.attempts + 1 }, row, error);
        return true;
      });
    }
  }

  async function recordFailure(trx: Db, retry: Retry, row: OutboxRow, error: unknown): Promise<void> {
    const lastError = describe(error);
    const details = { consumer: retry.consumer, eventId: row.event.id, type: row.event.type, attempts: retry.attempts, err: error };
    // A permanent failure (a payload that breaks its schema) would fail the same way every time.
    if (retry.attempts >= maxAttempts || isPermanentFailure(error)) {
      await deadLetter(trx, retry.consumer, row.event, retry.attempts, lastError, now());
      log.error(details, 'event relay: giving up on event, moved to tokobapak.dead_letters');
      return;
    }
    const delay = Math.max(0, backoff(retry.attempts));
    await scheduleRetry(trx, retry, new Date(now().getTime() + delay), lastError);
    log.warn({ ...details, retryInMs: delay }, 'event relay: event handler failed, will retry');
  }

  // Same rule as pass(): one pruning pass at a time in this process, and a caller arriving during
  // one gets the next. Other processes are kept out by the advisory lock each batch takes.
  function prune(): Promise<PruneResult> {
    if (!pruning) {
      pruning = runPrune().finally(() => {
        pruning = undefined;
      });
      return pruning;
    }
    if (!pruneQueued) {
      const next = () => {
        pruneQueued = undefined;
        return prune();
      };
      pruneQueued = pruning.then(next, next);
    }
    return pruneQueued;
  }

  async function runPrune(): Promise<PruneResult> {
    const result: PruneResult = { outbox: 0, processedEvents: 0, complete: true, lagging: [] };
    if (retentionMs === false) return result;
    if (stopping) return { ...result, complete: false };
    const startedAt = Date.now();
    const deadline = startedAt + pruneTimeBudgetMs;
    const cutoff = new Date(now().getTime() - retentionMs);

    // Outbox first: processed_events rows only go once their event has left the outbox.
    const range = await outboxPruneRange(db, [...names], cutoff);
    if (range) {
      const outbox = await pruneOutbox(range, cutoff, deadline);
      result.outbox = outbox.count;
      result.complete = outbox.complete;
    }
    if (result.complete) {
      const processed = await pruneProcessedEvents(cutoff, deadline);
      result.processedEvents = processed.count;
      result.complete = processed.complete;
    }
    result.lagging = await laggingConsumers(db, cutoff);

    const details = { outbox: result.outbox, processedEvents: result.processedEvents, complete: result.complete, ms: Date.now() - startedAt };
    if (result.outbox > 0 || result.processedEvents > 0) log.info(details, 'event relay: pruned events older than the retention period');
    if (result.lagging.length > 0) {
      log.warn(
        { consumers: result.lagging, retentionMs },
        'event relay: consumers are further behind than the retention period, so the outbox keeps their events; delete the offset row of a consumer that no longer exists',
      );
    }
    return result;
  }

  // Batches in relay order, each its own short transaction, until a short batch, the time budget,
  // stop(), or another process holding the pruning lock.
  async function pruneOutbox(range: OutboxPruneRange, cutoff: Date, deadline: number): Promise<{ count: number; complete: boolean }> {
    let after = START;
    let count = 0;
    for (;;) {
      const deleted = await db.transaction().execute(async (trx) => {
        if (!(await tryPruneLock(trx))) return undefined;
        return deleteOutboxBatch(trx, { after, range, cutoff, limit: pruneBatchSize });
      });
      if (!deleted) return { count, complete: false };
      count += deleted.length;
      if (deleted.length < pruneBatchSize) return { count, complete: true };
      after = deleted.reduce((last, position) => (comparePositions(position, last) > 0 ? position : last), after);
      if (stopping || Date.now() >= deadline) return { count, complete: false };
    }
  }

  async function pruneProcessedEvents(cutoff: Date, deadline: number): Promise<{ count: number; complete: boolean }> {
    let count = 0;
    for (;;) {
      const deleted = await db.transaction().execute(async (trx) => {
        if (!(await tryPruneLock(trx))) return undefined;
        return deleteProcessedBatch(trx, { cutoff, limit: pruneBatchSize });
      });
      if (deleted === undefined) return { count, complete: false };
      count += deleted;
      if (deleted < pruneBatchSize) return { count, complete: true };
      if (stopping || Date.now() >= deadline) return { count, complete: false };
    }
  }

  function schedulePruning(): void {
    if (retentionMs === false) return;
    clearInterval(pruneTimer);
    pruneTimer = setInterval(() => {
      // A pass still running (a long backlog, or one called by hand) is not queued behind.
      if (pruning || stopping) return;
      prune().catch((error: unknown) => log.error({ err: error }, 'event relay: pruning failed'));
    }, pruneIntervalMs);
    pruneTimer.unref();
  }

  function schedule(delayMs: number): void {
    if (!started) return;
    clearTimeout(timer);
    timerDueAt = performance.now() + delayMs;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  /** How long a pass asked for now waits: none after a pause, the rest of the spacing right after a pass. */
  function spacing(): number {
    return Math.max(0, lastTickAt + minPassIntervalMs - performance.now());
  }

  async function tick(): Promise<void> {
    timer = undefined;
    nudged = false;
    lastTickAt = performance.now();
    let delay = pollIntervalMs;
    const result = await pass();
    // More is waiting (a pass takes a bounded number of batches): go on at once.
    if (result.progressed && !result.caughtUp) delay = 0;
    // A backlog (more waiting) goes on at once; a nudge during the pass waits out the spacing.
    if (nudged) delay = Math.min(delay, spacing());
    if (started && !timer) schedule(delay);
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule(0);
      schedulePruning();
    },

    async stop() {
      started = false;
      clearTimeout(timer);
      timer = undefined;
      clearInterval(pruneTimer);
      pruneTimer = undefined;
      stopping = true;
      try {
        await Promise.allSettled([running, queued, pruning, pruneQueued, promptDelivery.settled()]);
      } finally {
        stopping = false;
      }
    },

    nudge(published) {
      if (!started) return;
      if (published && published.length > 0) promptDelivery.deliver(published);
      // During a pass the timer is unset: the pass reschedules when it ends. A timer already due
      // sooner than the spacing (a pass that had more waiting) is left as it is.
      if (timer) {
        if (performance.now() + spacing() < timerDueAt) schedule(spacing());
      } else nudged = true;
    },

    async drain(timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      // What they claim, the passes pass over: their effects must have committed too.
      await promptDelivery.settled();
      for (;;) {
        // Committed events behind a transaction that is still running are not delivered yet: wait
        // for them. Counted before the pass, which then sees every event committed before it began;
        // counted after, an event that stopped being held back during the pass would be missed by
        // both the pass and the count (other sessions' transactions move the horizon at any time).
        const waiting = await heldBack(db).catch(() => undefined);
        const result = await pass();
        if (result.caughtUp && waiting?.count === 0) return;
        if (Date.now() >= deadline) {
          const cause = waiting?.count
            ? `: ${waiting.count} committed event(s) wait for transaction ${waiting.horizon}, which is still running`
            : result.error instanceof Error
              ? `: ${result.error.message}`
              : '';
          throw new Error(`event relay did not catch up within ${timeoutMs} ms${cause}`, { cause: result.error });
        }
        // No progress: another process holds a consumer, a transaction holds events back, or the
        // database is failing. Wait a little.
        if (!result.progressed) await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, 20)));
      }
    },

    prune,
  };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
