import type { PluginContext, PluginEvents, UntypedEvents } from '../plugin.js';

/** Where a process stands. `succeeded` and `compensated` are final. */
export type ProcessStatus = 'running' | 'compensating' | 'succeeded' | 'compensated';

/** What a process does when the server that ran it stopped in the middle (a crash, a kill). */
export type Recovery = 'resume' | 'compensate';

/**
 * What a step's action and compensation receive: a plugin's context (outside any transaction) and
 * the process. With the plugin's generated events as `Ev`, `ctx.transaction`'s `publish` takes only
 * the spec's own event types with their payloads, as in a handler.
 */
export interface StepContext<DB, Input, Transient = undefined, Ev extends PluginEvents = UntypedEvents> extends PluginContext<DB, Ev> {
  /** The process id (`prc_…`). */
  processId: string;
  /** The key the process was started with. */
  key: string;
  /** The process input, as stored. */
  input: Input;
  /**
   * Values given to `start` that are never stored (a password). Present only in the run that
   * `start` began; after a crash they are gone, so a step that needs them must recover by compensating.
   */
  transient: Transient | undefined;
  /** The outputs of the steps that completed, by step id. */
  results: Record<string, unknown>;
  /** True when this step had started before in a run that stopped (crash): its action may have partly happened. */
  resumed: boolean;
}

/** One step: an action and, when the action leaves something behind, its compensation. */
export interface ProcessStep<DB, Input, Transient = undefined, Output = unknown, Ev extends PluginEvents = UntypedEvents> {
  /** Stable id, unique in the process: it is what the stored state records. */
  id: string;
  /**
   * Does the work (calls other services, writes through `ctx.transaction`) and returns just what its
   * compensation needs (stored as JSON). Runs outside any database transaction.
   */
  action(ctx: StepContext<DB, Input, Transient, Ev>): Promise<Output>;
  /** Undoes the action, given its output; given nothing (`undefined`) it must do nothing. Must be safe to run twice. */
  compensate?(ctx: StepContext<DB, Input, Transient, Ev>, output: Output | undefined): Promise<void>;
  /**
   * What the compensation needs when the action's outcome is unknown: the server died inside it, or
   * it threw an error that is not a refusal (anything but a 4xx). Stored before the action runs.
   * Without it, a step that did not finish counts as having done nothing.
   *
   * With `compensate` recovery, it is stored ahead, with the record of a like step before it
   * (announced: docs/processes.md, "What is written when"), unless it reads `ctx.results`: so after a
   * crash the compensation may be given it although the action never began, nor the steps before
   * it finished; it must then do nothing harmful.
   */
  uncertain?(ctx: StepContext<DB, Input, Transient, Ev>): Output;
  /** How a process interrupted at this step recovers; default: the definition's `recovery`. */
  recovery?: Recovery;
  /**
   * Running the action again after it completed is harmless (it finds its work done, or its writes
   * are idempotent). Its outcome is then not stored on its own but with the process's next write
   * (the next step's, or the end): a crash before that runs it again. Needs `resume` recovery.
   */
  repeatable?: boolean;
  /**
   * The action's last act is one `ctx.transaction` (the plugin's own database): the step's outcome,
   * and for the last step the process's success, is written in that transaction, so the step costs
   * no write of its own and is done exactly when its writes commit. Its output is not kept. The
   * outcome of the step before it goes in that write too when that step declares `uncertain` (its
   * `started` record is stored): a crash before the commit recovers as a crash during that step.
   */
  local?: boolean;
  /**
   * Runs at the same time as the `concurrent` steps next to it, rather than after them: for
   * independent calls (to different services) whose waits would otherwise add up. Needs
   * `repeatable` (the group's outcomes are written together with the process's next write, and a
   * crash runs the whole group again). When one of the group fails, the others are awaited, and
   * the process compensates as for a single failed step.
   */
  concurrent?: boolean;
}

/** A durable process: steps run in order, each outcome stored before the next starts. */
export interface ProcessDefinition<DB, Input, Transient = undefined, Ev extends PluginEvents = UntypedEvents> {
  /** Stable name, unique within the plugin. */
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each step has its own output type
  steps: Array<ProcessStep<DB, Input, Transient, any, Ev>>;
  /** After this long (by the server's clock) a process that has not finished compensates. */
  deadlineMs?: number;
  /** How an interrupted process recovers (default `resume`; a step may say otherwise). */
  recovery?: Recovery;
}

/** A process definition with its type parameters erased, as the runtime holds it. */
// biome-ignore lint/suspicious/noExplicitAny: erasure point for heterogeneous definitions
export type AnyProcessDefinition = ProcessDefinition<any, any, any, any>;

/** The recorded outcome of one step. */
export interface StepRecord {
  id: string;
  /** `started`: the action is running or was cut short; `done`: it returned; `failed`: it threw. */
  status: 'started' | 'done' | 'failed';
  output?: unknown;
  /** The compensation's input if the outcome is unknown (see {@link ProcessStep.uncertain}). */
  uncertain?: unknown;
  error?: string;
  compensation?: { status: 'done' | 'failed'; attempts: number; error?: string };
}

/** The readable state of a process (support tools, order status). */
export interface ProcessState {
  id: string;
  plugin: string;
  name: string;
  key: string;
  status: ProcessStatus;
  input: unknown;
  steps: StepRecord[];
  /** Why the process compensates (the failed step's error, a deadline, a crash). */
  error: { step?: string; message: string; code?: string; status?: number } | null;
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** What `start` answers: the state, and, for the call that ran a process that failed, the error that made it fail. */
export interface ProcessRun extends ProcessState {
  /** True when this call created (and ran) the process; false when the key was already taken. */
  started: boolean;
  /** The error thrown by the failed step, when this call ran it (not stored). */
  cause?: unknown;
}

/** How a handler starts and reads its plugin's processes (`ctx.processes`). */
export interface ProcessClient {
  /**
   * Starts a process unless one with this key exists. The call that creates it runs it to its end
   * (success, or compensation) and answers its final state. Any other call answers the existing
   * process: once it ends if this server is driving it or its server died (its lease ran out: this
   * call then recovers it, as the recovery pass would), else as it stands (`running`).
   */
  start<Input, Transient = undefined>(
    // biome-ignore lint/suspicious/noExplicitAny: the plugin's table types do not matter to starting
    definition: ProcessDefinition<any, Input, Transient, any>,
    options: { key: string; input: Input; transient?: Transient },
  ): Promise<ProcessRun>;
  /** The process with this id or key, or undefined. */
  get(idOrKey: string): Promise<ProcessState | undefined>;
}

/**
 * Declares a process (identity function: it gives the steps their types). Give the plugin's
 * generated events as the fourth type (`defineProcess<ShopDatabase, Input, undefined, ShopEvents>`)
 * and a step's `tx.publish` is checked like a handler's.
 *
 * @example
 * const order = defineProcess<ShopDatabase, { cartId: string }>({
 *   name: 'checkout',
 *   deadlineMs: 15 * 60_000,
 *   steps: [
 *     { id: 'reserve', action: async (ctx) => reserve(ctx), compensate: async (ctx, reservation) => release(ctx, reservation) },
 *     { id: 'pay', action: async (ctx) => pay(ctx) },
 *   ],
 * });
 */
export function defineProcess<DB, Input, Transient = undefined, Ev extends PluginEvents = UntypedEvents>(
  definition: ProcessDefinition<DB, Input, Transient, Ev>,
): ProcessDefinition<DB, Input, Transient, Ev> {
  return definition;
}
