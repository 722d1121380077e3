import type { Kysely } from 'kysely';
import { exponentialBackoff } from '../events/backoff.js';
import type { PluginContext } from '../plugin.js';
import { isRefusal } from '../service-absence.js';
import { killSwitch } from './kill-switch.js';
import { isLeaseLost, type ProgressPatch, type StoredProcess, saveProgress, saveProgressOrFail } from './process-store.js';
import type { AnyProcessDefinition, ProcessState, StepContext, StepRecord } from './types.js';

/** What driving a process needs from its server. */
export interface RunnerDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the runtime's own tables are untyped
  db: Kysely<any>;
  /** This server's lease owner id. */
  owner: string;
  leaseMs: number;
}

/** The outcome of driving a process as far as it goes now. */
export interface Driven {
  state: StoredProcess;
  /** The error of the step that failed in this run (kept in memory only). */
  cause?: unknown;
}

/** Thrown inside a run when another server took the process over: this one stops touching it. */
class LeaseLost extends Error {}

// A compensation that fails is retried after this delay (by whichever server's recovery comes first).
const compensationBackoff = exponentialBackoff({ baseMs: 1_000, maxMs: 5 * 60_000 });

/**
 * The step records a new process is inserted with: the first step's `started` record when it has an
 * `uncertain` input (which would otherwise be a write of its own just after the insert), with the
 * records of the steps it announces ({@link announcedAfter}).
 */
export function firstRecords(definition: AnyProcessDefinition, context: PluginContext<unknown>, process: StoredProcess, transient: unknown): StepRecord[] {
  const first = definition.steps[0];
  if (!first?.uncertain) return [];
  const ctx: StepContext<unknown, unknown, unknown> = {
    ...context,
    processId: process.id,
    key: process.key,
    input: process.input,
    transient,
    results: {},
    resumed: false,
  };
  return [{ id: first.id, status: 'started', uncertain: first.uncertain(ctx) }, ...announcedAfter(definition, 0, ctx)];
}

/** Thrown by an announced step's `uncertain` that reads `ctx.results`: what it reads is not known yet. */
class ResultsNotYetKnown extends Error {}

/** How a crash at this step recovers. */
const recoveryOf = (definition: AnyProcessDefinition, step: AnyProcessDefinition['steps'][number]) => step.recovery ?? definition.recovery ?? 'resume';

/** A step whose `started` record may be written ahead of it: a crash at it or just before it is undone all the same. */
const announceable = (definition: AnyProcessDefinition, step: AnyProcessDefinition['steps'][number] | undefined) =>
  step?.uncertain !== undefined && recoveryOf(definition, step) === 'compensate' && !step.local && !step.concurrent && !step.repeatable;

/**
 * The `started` records that go with the one written before step `head` acts: of the steps right
 * after it that, like it, declare `uncertain` and are undone after a crash. Each of them would
 * otherwise write its own `started` record (with the outcome of the step before it) between two
 * actions; written ahead, they let those steps run without a write in between. A crash anywhere in
 * the run is undone as before: recovery finds the first unfinished step, one of these, and
 * compensates every recorded step from what it declared, a step that had not begun included (its
 * compensation must already cope with nothing having happened, as after a crash just before it
 * acted). A step whose `uncertain` reads `ctx.results` is not announced (the results it reads do not
 * exist yet), nor is any after it.
 */
export function announcedAfter(definition: AnyProcessDefinition, head: number, ctx: StepContext<unknown, unknown, unknown>): StepRecord[] {
  if (!announceable(definition, definition.steps[head])) return [];
  const early = Object.defineProperty({ ...ctx }, 'results', {
    get() {
      throw new ResultsNotYetKnown();
    },
  });
  const records: StepRecord[] = [];
  for (const step of definition.steps.slice(head + 1)) {
    if (!announceable(definition, step)) break;
    let uncertain: unknown;
    try {
      uncertain = step.uncertain?.(early);
    } catch (error) {
      if (error instanceof ResultsNotYetKnown) break;
      throw error;
    }
    records.push({ id: step.id, status: 'started', uncertain });
  }
  return records;
}

/**
 * Drives a process from where its stored state says: forward through its steps while it is running,
 * then back through the compensations if it failed. `interrupted` says the process was taken over
 * from a server that stopped: the step it was at recovers by resuming or compensating, per definition.
 * `fresh` says the process was just inserted (with {@link firstRecords}): its first steps have not run.
 *
 * Writes are saved where a crash needs them: before a step whose outcome may be uncertain (unless
 * its `started` record was written ahead, {@link announcedAfter}), and after a step that is not
 * `repeatable` and is not followed by a step that writes or wrote its own `started` record, nor
 * (when its own `started` record is stored) by a `local` step ({@link carriedByNext}); a
 * `repeatable` step's record waits for the next write, and a `local` step's goes into its own
 * transaction.
 */
export async function driveProcess(
  deps: RunnerDeps,
  definition: AnyProcessDefinition,
  context: PluginContext<unknown>,
  process: StoredProcess,
  options: { transient?: unknown; interrupted: boolean; fresh?: boolean },
): Promise<Driven> {
  const state: StoredProcess = { ...process, steps: process.steps.map((record) => ({ ...record })) };
  const clock = context.clock;
  const results = () => Object.fromEntries(state.steps.filter((record) => record.status === 'done').map((record) => [record.id, record.output]));
  const stepContext = (resumed: boolean): StepContext<unknown, unknown, unknown> => ({
    ...context,
    processId: state.id,
    key: state.key,
    input: state.input,
    transient: options.transient,
    results: results(),
    resumed,
  });
  const save = async (patch: Partial<ProgressPatch> = {}, via: RunnerDeps['db'] = deps.db) => {
    const now = clock.now();
    const full: ProgressPatch = { status: state.status, steps: state.steps, leaseUntil: new Date(now.getTime() + deps.leaseMs), now, ...patch };
    if (via !== deps.db) {
      // Inside a `local` step's transaction: a lost lease fails the statement, and so the
      // transaction, without this run reading its answer (it rides along with the commit).
      await saveProgressOrFail(via, state.id, deps.owner, full);
    } else if (!(await saveProgress(via, state.id, deps.owner, full))) throw new LeaseLost(`process ${state.id} was taken over by another server`);
    state.updatedAt = now;
    if (full.finishedAt) state.finishedAt = full.finishedAt;
  };
  const fail = async (error: ProcessState['error']) => {
    state.status = 'compensating';
    state.error = error;
    await save({ error });
  };

  let cause: unknown;
  // The first step run after a takeover is the one the stopped server was at: it may have partly happened.
  let afterTakeover = options.interrupted;
  // Steps whose `started` record this run wrote ahead of them (with the insert, or with an earlier
  // step's): they have not run before, and until they run they are the last records.
  const announced = new Set<number>();
  if (options.fresh === true) {
    for (const [at, record] of state.steps.entries()) if (record.status === 'started') announced.add(at);
  }
  // A step that will not run after all (the process fails before it) leaves no record to undo:
  // announced records are the last ones, so they are cut off from the first one at or after `from`.
  const dropAnnouncedFrom = (from: number) => {
    const dropped = [...announced].filter((at) => at >= from);
    if (dropped.length === 0) return;
    state.steps = state.steps.slice(0, Math.min(...dropped));
    for (const at of dropped) announced.delete(at);
  };

  try {
    if (state.status === 'running' && options.interrupted) {
      const at = state.steps.findIndex((record) => record.status !== 'done');
      const step = definition.steps[at === -1 ? state.steps.length : at];
      const mode = pastDeadline(state, clock.now()) ? 'compensate' : (step?.recovery ?? definition.recovery ?? 'resume');
      if (mode === 'compensate') {
        await fail({
          ...(step ? { step: step.id } : {}),
          message: pastDeadline(state, clock.now()) ? 'the deadline passed' : 'the server stopped during this step',
        });
      }
    }

    while (state.status === 'running') {
      const index = state.steps.findIndex((record) => record.status !== 'done');
      const position = index === -1 ? state.steps.length : index;
      const step = definition.steps[position];
      if (!step) {
        state.status = 'succeeded';
        await save({ finishedAt: clock.now() });
        break;
      }
      if (pastDeadline(state, clock.now())) {
        dropAnnouncedFrom(position);
        await fail({ step: step.id, message: 'the deadline passed' });
        break;
      }
      // An announced record was written ahead of its step: that step has not run before.
      const ranBefore = (at: number) => afterTakeover || (state.steps[at] !== undefined && !announced.has(at));
      const resumed = ranBefore(position);
      const group = concurrentGroup(definition, position);
      if (group.length > 1) {
        const failed = await runConcurrently(state, group, position, (at) => stepContext(ranBefore(at)));
        afterTakeover = false;
        if (failed) {
          if (failed.error instanceof LeaseLost) throw failed.error;
          cause = failed.error;
          dropAnnouncedFrom(position + group.length);
          await fail({ step: failed.step.id, message: message(failed.error), ...problemFields(failed.error) });
          break;
        }
        // Repeatable, all of them: their outcomes wait for the next write (the next step's, or the end).
        continue;
      }
      afterTakeover = false;
      const ctx = stepContext(resumed);
      const record: StepRecord = { id: step.id, status: 'started' };
      const ahead = announced.has(position) ? state.steps[position] : undefined;
      announced.delete(position);
      // Its `started` record is stored before it acts (written ahead, or just below): a crash from
      // here until the next write recovers as a crash during this step.
      const startedStored = step.uncertain !== undefined;
      if (step.uncertain) {
        record.uncertain = ahead ? ahead.uncertain : step.uncertain(ctx);
        state.steps[position] = record;
        if (!ahead) {
          // The steps after it that are undone after a crash, as it is, are announced with it.
          if (state.steps.length === position + 1) {
            for (const next of announcedAfter(definition, position, ctx)) announced.add(state.steps.push(next) - 1);
          }
          await save();
        }
      }
      const last = position === definition.steps.length - 1;
      // The outcome as stored once the action returns: the step done, and the process succeeded after the last one.
      const done = (output: unknown): { record: StepRecord; patch: Partial<ProgressPatch> } => ({
        record: { id: step.id, status: 'done', ...(output === undefined ? {} : { output }) },
        patch: last ? { status: 'succeeded', finishedAt: clock.now() } : {},
      });
      let stored: ReturnType<typeof done> | undefined;
      const stepCtx = step.local
        ? inTransactionSaving(ctx, async (tx) => {
            const outcome = done(undefined);
            const steps = [...state.steps];
            steps[position] = outcome.record;
            await save({ steps, ...outcome.patch }, tx);
            stored = outcome;
          })
        : ctx;
      await killSwitch(`${state.plugin}.${state.name}.${step.id}:before`);
      let output: unknown;
      try {
        output = await step.action(stepCtx);
      } catch (error) {
        if (error instanceof LeaseLost) throw error;
        // A `local` step's transaction refused by its own save: the process was taken over.
        if (isLeaseLost(error)) throw new LeaseLost(`process ${state.id} was taken over by another server`);
        cause = error;
        const refusal = isRefusal(error);
        state.steps[position] = {
          id: step.id,
          status: 'failed',
          error: message(error),
          // A refusal (4xx) proves the action changed nothing; anything else may have half-happened.
          ...(!refusal && record.uncertain !== undefined ? { uncertain: record.uncertain } : {}),
        };
        dropAnnouncedFrom(position + 1);
        await fail({ step: step.id, message: message(error), ...problemFields(error) });
        break;
      }
      await killSwitch(`${state.plugin}.${state.name}.${step.id}:after`);
      const outcome = stored ?? done(output);
      state.steps[position] = outcome.record;
      if (last) {
        // The last step's outcome and the success are one write (or were, in the step's transaction).
        state.status = 'succeeded';
        if (!stored) await save(outcome.patch);
      } else if (!stored && !step.repeatable && !carriedByNext(definition.steps[position + 1], startedStored)) {
        await save();
      }
    }

    if (state.status === 'compensating') await compensate(state, definition, stepContext, save, context);
  } catch (error) {
    if (!(error instanceof LeaseLost)) throw error;
    context.log.warn({ processId: state.id }, error.message);
  }
  return { state, cause };
}

/**
 * Whether the next step's own write carries the outcome of the step that just returned, so that it
 * needs no write of its own. A next step with an uncertain outcome writes its `started` record before
 * acting, or wrote it ahead (announced). A next `local` step writes in its transaction; when the
 * step that returned had its `started` record stored, a crash before that commit (or a transaction
 * that never commits) finds that record, and recovers as from a crash during that step: undone from
 * what it declared, or run again, per its `recovery`. Without that record, such a crash would find
 * the step never begun and run it again, so its outcome is written at once.
 */
function carriedByNext(next: AnyProcessDefinition['steps'][number] | undefined, startedStored: boolean): boolean {
  if (next?.uncertain) return true;
  return next?.local === true && startedStored;
}

/** The steps from `position` on that run together: a run of `concurrent` steps (one step when it is not). */
function concurrentGroup(definition: AnyProcessDefinition, position: number): AnyProcessDefinition['steps'] {
  const group = [];
  for (const step of definition.steps.slice(position)) {
    if (!step.concurrent) break;
    group.push(step);
  }
  return group;
}

/**
 * Runs a group of concurrent (so repeatable) steps at once and records each one's outcome in
 * `state.steps`. Answers the first failure in step order, once every step of the group has ended,
 * so that no action is still running when the process compensates.
 */
async function runConcurrently(
  state: StoredProcess,
  group: AnyProcessDefinition['steps'],
  position: number,
  contextAt: (at: number) => StepContext<unknown, unknown, unknown>,
): Promise<{ step: AnyProcessDefinition['steps'][number]; error: unknown } | undefined> {
  const outcomes = await Promise.allSettled(
    group.map(async (step, offset) => {
      const ctx = contextAt(position + offset);
      await killSwitch(`${state.plugin}.${state.name}.${step.id}:before`);
      const output = await step.action(ctx);
      await killSwitch(`${state.plugin}.${state.name}.${step.id}:after`);
      return output;
    }),
  );
  let failed: { step: AnyProcessDefinition['steps'][number]; error: unknown } | undefined;
  for (const [offset, outcome] of outcomes.entries()) {
    const step = group[offset] as AnyProcessDefinition['steps'][number];
    if (outcome.status === 'fulfilled') {
      state.steps[position + offset] = { id: step.id, status: 'done', ...(outcome.value === undefined ? {} : { output: outcome.value }) };
    } else {
      state.steps[position + offset] = { id: step.id, status: 'failed', error: message(outcome.reason) };
      failed ??= { step, error: outcome.reason };
    }
  }
  return failed;
}

async function compensate(
  state: StoredProcess,
  definition: AnyProcessDefinition,
  stepContext: (resumed: boolean) => StepContext<unknown, unknown, unknown>,
  save: (patch?: Partial<ProgressPatch>) => Promise<void>,
  context: PluginContext<unknown>,
): Promise<void> {
  for (const record of [...state.steps].reverse()) {
    if (record.compensation?.status === 'done') continue;
    const step = definition.steps.find((candidate) => candidate.id === record.id);
    const output = record.status === 'done' ? record.output : record.uncertain;
    if (!step?.compensate || output === undefined || output === null) continue;
    const attempts = (record.compensation?.attempts ?? 0) + 1;
    try {
      await step.compensate(stepContext(true), output);
      record.compensation = { status: 'done', attempts };
      await save();
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      // Never dropped: recorded on the step, logged, and the process handed back until the retry is due.
      record.compensation = { status: 'failed', attempts, error: message(error) };
      state.attempts += 1;
      const retryAt = new Date(context.clock.now().getTime() + compensationBackoff(state.attempts));
      context.log.error({ err: error, processId: state.id, step: record.id, attempts, retryAt }, 'a compensation failed; it will be retried');
      await save({ attempts: state.attempts, leaseUntil: retryAt });
      return;
    }
  }
  state.status = 'compensated';
  await save({ finishedAt: context.clock.now() });
}

/**
 * A `local` step's context: its `ctx.transaction` also writes the step's outcome (`save`, through
 * the transaction's handle) just before it commits.
 */
function inTransactionSaving(
  ctx: StepContext<unknown, unknown, unknown>,
  save: (via: RunnerDeps['db']) => Promise<void>,
): StepContext<unknown, unknown, unknown> {
  return {
    ...ctx,
    transaction: (fn) =>
      ctx.transaction(async (tx) => {
        const result = await fn(tx);
        await save(tx.db as RunnerDeps['db']);
        return result;
      }),
  };
}

function pastDeadline(state: ProcessState, now: Date): boolean {
  return state.deadlineAt !== null && now.getTime() >= state.deadlineAt.getTime();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function problemFields(error: unknown): { code?: string; status?: number } {
  if (typeof error !== 'object' || error === null) return {};
  const { code, status } = error as { code?: unknown; status?: unknown };
  return { ...(typeof code === 'string' ? { code } : {}), ...(typeof status === 'number' ? { status } : {}) };
}
