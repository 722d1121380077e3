import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { platformErrors } from '../errors.js';
import { newId } from '../ids.js';
import { leaseOwner, OWNER_PREFIX } from '../lease-owner.js';
import type { Clock, PluginContext } from '../plugin.js';
import { openTransaction } from '../transaction-scope.js';
import { driveProcess, firstRecords } from './process-runner.js';
import { claimOrphans, expireLeasesOfOtherProcesses, findProcess, insertProcess, renewLeases, type StoredProcess } from './process-store.js';
import type { AnyProcessDefinition, ProcessClient, ProcessRun, ProcessState } from './types.js';

/** The processes one plugin declares, and the context its steps run in. */
export interface ProcessOwner {
  plugin: string;
  definitions: AnyProcessDefinition[];
  /** Filled in once the plugin's context exists (it holds `processes` itself). */
  context?: PluginContext<unknown>;
}

/** How a server runs durable processes. */
export interface ProcessRuntimeOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the runtime's own tables are untyped
  db: Kysely<any>;
  owners: ProcessOwner[];
  clock: Clock;
  log: FastifyBaseLogger;
  /** How long a server's claim on a process lasts without renewal (default 30 s); a dead server's processes wait this long. */
  leaseMs?: number;
  /** How often unfinished processes of dead servers, and due compensation retries, are looked for (default 5 s). */
  recoveryIntervalMs?: number;
  /** True when no other OS process can use the database (PGlite): processes left by an earlier one are taken at once. */
  exclusive: boolean;
}

/** The server's process runtime. */
export interface ProcessRuntime {
  /** The `ctx.processes` of one plugin. */
  clientFor(plugin: string): ProcessClient;
  /** Starts recovery: one pass now, then one every `recoveryIntervalMs`. */
  start(): void;
  /** One recovery pass: takes over what dead servers left, retries due compensations. Resolves with how many it drove. */
  recover(): Promise<number>;
  /** Stops recovery and waits for the processes this server is driving. */
  stop(): Promise<void>;
}

const BATCH = 20;

/**
 * Creates the process runtime of one server: starting, reading and recovering processes, with a
 * lease per running process renewed while this server works on it.
 */
export function createProcessRuntime(options: ProcessRuntimeOptions): ProcessRuntime {
  const { db, clock, log } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = leaseOwner('run');
  const deps = { db, owner, leaseMs };
  for (const entry of options.owners) checkDefinitions(entry);
  const owners = new Map(options.owners.map((entry) => [entry.plugin, entry]));
  /** Processes this server is driving, and the runs themselves (so `stop` can wait for them). */
  const driving = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let recovering: Promise<number> | undefined;
  let stopped = false;

  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs);

  function definitionOf(plugin: string, name: string): { definition: AnyProcessDefinition; context: PluginContext<unknown> } {
    const entry = owners.get(plugin);
    const definition = entry?.definitions.find((candidate) => candidate.name === name);
    if (!entry?.context || !definition) throw new Error(`${plugin} declares no process named '${name}' (list it in the plugin's \`processes\`)`);
    return { definition, context: entry.context };
  }

  function track<T>(id: string, run: Promise<T>): Promise<T> {
    driving.set(id, run);
    return run.finally(() => driving.delete(id));
  }

  async function drive(stored: StoredProcess, transient: unknown, interrupted: boolean) {
    const { definition, context } = definitionOf(stored.plugin, stored.name);
    return driveProcess(deps, definition, context, stored, { transient, interrupted });
  }

  async function recoverOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      if (stopped) return total;
      const now = clock.now();
      const claimed = await claimOrphans(db, { plugins: [...owners.keys()], owner, now, leaseUntil: leaseUntil(), limit: BATCH, exclude: [...driving.keys()] });
      const fresh = claimed.filter((stored) => !driving.has(stored.id));
      await Promise.all(
        fresh.map((stored) =>
          track(
            stored.id,
            drive(stored, undefined, stored.status === 'running').catch((error: unknown) =>
              log.error({ err: error, processId: stored.id }, 'recovering a process failed; it will be retried'),
            ),
          ),
        ),
      );
      total += fresh.length;
      if (claimed.length < BATCH) return total;
    }
  }

  /**
   * Brings a process that a second start found to its end where this server can: it waits for the
   * run this server is driving, and drives one whose server died (its lease ran out) itself, so a
   * request retried after a crash gets the outcome rather than "still running". A process another
   * live server drives, or whose compensation retry is not due yet, is answered as it stands.
   */
  async function finishExisting(existing: StoredProcess): Promise<StoredProcess> {
    if (existing.status !== 'running' && existing.status !== 'compensating') return existing;
    const ours = driving.get(existing.id);
    if (!ours) {
      const [claimed] = await claimOrphans(db, {
        plugins: [existing.plugin],
        owner,
        now: clock.now(),
        leaseUntil: leaseUntil(),
        limit: 1,
        exclude: [],
        only: existing.id,
      });
      if (!claimed) return existing;
      await track(
        claimed.id,
        drive(claimed, undefined, claimed.status === 'running').catch((error: unknown) =>
          log.error({ err: error, processId: claimed.id }, 'recovering a process failed; it will be retried'),
        ),
      );
    } else {
      await ours.catch(() => undefined);
    }
    return (await findProcess(db, existing.plugin, existing.id)) ?? existing;
  }

  return {
    clientFor(plugin) {
      return {
        async start(definition, startOptions): Promise<ProcessRun> {
          const { context } = definitionOf(plugin, definition.name);
          // Its steps call other services and open their own transactions: from inside one they would wait on it.
          const scope = openTransaction();
          if (scope) {
            throw platformErrors.SERVICE_CALL_IN_TRANSACTION(
              `${scope.service} started process ${definition.name} inside ${scope.opener}: start it before or after the transaction`,
            );
          }
          const now = clock.now();
          const stored: StoredProcess = {
            id: newId('prc'),
            plugin,
            name: definition.name,
            key: startOptions.key,
            status: 'running',
            input: startOptions.input ?? null,
            steps: [],
            error: null,
            deadlineAt: definition.deadlineMs === undefined ? null : new Date(now.getTime() + definition.deadlineMs),
            createdAt: now,
            updatedAt: now,
            finishedAt: null,
            attempts: 0,
          };
          stored.steps = firstRecords(definition, context, stored, startOptions.transient);
          const inserted = await insertProcess(db, { ...stored, owner, leaseUntil: leaseUntil(), now });
          if (!inserted) {
            const existing = await findProcess(db, plugin, startOptions.key);
            if (!existing) throw new Error(`process key '${startOptions.key}' of ${plugin} is taken but its process cannot be read`);
            return { ...readable(await finishExisting(existing)), started: false };
          }
          const { state, cause } = await track(
            stored.id,
            driveProcess(deps, definition, context, stored, { transient: startOptions.transient, interrupted: false, fresh: true }),
          );
          return { ...readable(state), started: true, ...(cause === undefined ? {} : { cause }) };
        },
        async get(idOrKey) {
          const stored = await findProcess(db, plugin, idOrKey);
          return stored ? readable(stored) : undefined;
        },
      };
    },

    start() {
      // One pass at a time; a pass that fails is logged and the next interval tries again.
      const runPass = (pass: () => Promise<number>) => {
        if (recovering) return;
        recovering = pass()
          .catch((error: unknown) => {
            log.error({ err: error }, 'process recovery failed');
            return 0;
          })
          .finally(() => {
            recovering = undefined;
          });
      };
      runPass(async () => {
        if (options.exclusive) await expireLeasesOfOtherProcesses(db, OWNER_PREFIX, clock.now());
        return recoverOnce();
      });
      timer = setInterval(() => runPass(recoverOnce), options.recoveryIntervalMs ?? 5_000);
      timer.unref();
      // Leases of long steps are renewed well before they run out.
      heartbeat = setInterval(() => {
        renewLeases(db, [...driving.keys()], owner, leaseUntil()).catch((error: unknown) => log.warn({ err: error }, 'renewing process leases failed'));
      }, leaseMs / 3);
      heartbeat.unref();
    },

    recover() {
      return recoverOnce();
    },

    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(heartbeat);
      await recovering;
      // A step that never returns must not hold the shutdown: its lease runs out and another server (or the next start) takes it.
      await Promise.race([Promise.allSettled([...driving.values()]), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    },
  };
}

/** Stored state names processes by name and steps by id, so both must be unique: fail at start, not at the first crash. */
function checkDefinitions(entry: ProcessOwner): void {
  const names = new Set<string>();
  for (const definition of entry.definitions) {
    if (names.has(definition.name)) throw new Error(`${entry.plugin} declares two processes named '${definition.name}'`);
    names.add(definition.name);
    const ids = definition.steps.map((step) => step.id);
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated !== undefined) throw new Error(`process ${entry.plugin}.${definition.name} has two steps with the id '${repeated}'`);
    // A repeatable step's outcome may be lost in a crash: it must then run again, not be undone.
    const undone = definition.steps.find((step) => step.repeatable && (step.recovery ?? definition.recovery ?? 'resume') !== 'resume');
    if (undone) throw new Error(`process ${entry.plugin}.${definition.name}: step '${undone.id}' is repeatable, so its recovery must be 'resume'`);
    // A concurrent group writes nothing of its own: its steps must be safe to run again, and none may write the process's state.
    const loose = definition.steps.find((step) => step.concurrent && (!step.repeatable || step.local || step.uncertain));
    if (loose)
      throw new Error(
        `process ${entry.plugin}.${definition.name}: step '${loose.id}' is concurrent, so it must be repeatable, not local, and without \`uncertain\``,
      );
  }
}

function readable(stored: StoredProcess): ProcessState {
  const { attempts: _attempts, ...state } = stored;
  return state;
}
