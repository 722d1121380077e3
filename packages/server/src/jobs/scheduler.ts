import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { Counter, Histogram, type Registry } from 'prom-client';
import { leaseOwner } from '../lease-owner.js';
import type { Clock, PluginContext } from '../plugin.js';
import { claimJob, recordRun, releaseJobs } from './job-store.js';
import type { AnyScheduledJob } from './types.js';

/** One plugin's jobs and the context they run in. */
export interface JobOwner {
  plugin: string;
  jobs: AnyScheduledJob[];
  context: PluginContext<unknown>;
}

/** What the scheduler needs from its server. */
export interface SchedulerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the runtime's own tables are untyped
  db: Kysely<any>;
  owners: JobOwner[];
  clock: Clock;
  log: FastifyBaseLogger;
  /** Where `tokobapak_job_runs_total` and `tokobapak_job_duration_seconds` are registered. */
  registry: Registry;
}

/** The running scheduler of one server. */
export interface Scheduler {
  /** Checks every job now (and runs those due that this server holds); resolves when done. */
  tick(): Promise<void>;
  /** Stops checking, waits for runs in progress and hands the leases back. */
  stop(): Promise<void>;
}

interface Entry {
  name: string;
  job: AnyScheduledJob;
  context: PluginContext<unknown>;
  checkMs: number;
  leaseMs: number;
  /** The check in progress (checks of one job never overlap). */
  current: Promise<void>;
  timer?: NodeJS.Timeout;
}

/**
 * Starts the scheduled jobs of the given plugins. Each job is checked every quarter interval (at
 * least every 50 ms, at most every 5 s): the check takes or renews the lease, and the holder runs the
 * job when it is due. The next run is due one interval after the previous one was due, so the rhythm
 * does not drift with run time; after a gap (a stopped store, a clock moved forward) it runs once and
 * starts counting again.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { db, clock, log } = options;
  const holder = leaseOwner('job');
  const runs = new Counter({
    name: 'tokobapak_job_runs_total',
    help: 'Scheduled job runs by job and outcome (success, failure)',
    labelNames: ['job', 'outcome'],
    registers: [options.registry],
  });
  const duration = new Histogram({
    name: 'tokobapak_job_duration_seconds',
    help: 'Scheduled job run duration',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [options.registry],
  });
  let stopped = false;

  const names = options.owners.flatMap((owner) => owner.jobs.map((job) => `${owner.plugin}.${job.name}`));
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new Error(`two scheduled jobs are named ${repeated}`);
  const entries: Entry[] = options.owners.flatMap((owner) =>
    owner.jobs.map((job) => {
      if (!(job.intervalMs > 0)) throw new Error(`job ${owner.plugin}.${job.name}: intervalMs must be positive`);
      const checkMs = Math.min(5_000, Math.max(50, job.intervalMs / 4));
      return {
        name: `${owner.plugin}.${job.name}`,
        job,
        context: owner.context,
        checkMs,
        leaseMs: job.leaseMs ?? Math.max(5_000, 4 * checkMs),
        current: Promise.resolve(),
      };
    }),
  );

  async function check(entry: Entry): Promise<void> {
    const now = clock.now();
    const lease = () => new Date(clock.now().getTime() + entry.leaseMs);
    const due = await claimJob(db, { name: entry.name, holder, now, leaseUntil: lease() });
    if (!due || due.getTime() > now.getTime() || stopped) return;

    // A run longer than the lease keeps it by renewing at the usual rhythm.
    const renewal = setInterval(() => {
      claimJob(db, { name: entry.name, holder, now: clock.now(), leaseUntil: lease() }).catch(() => undefined);
    }, entry.checkMs);
    const startedAt = clock.now();
    const stopTimer = duration.startTimer({ job: entry.name });
    let error: string | undefined;
    try {
      await entry.job.run(entry.context);
      runs.inc({ job: entry.name, outcome: 'success' });
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
      runs.inc({ job: entry.name, outcome: 'failure' });
      log.error({ err: thrown, job: entry.name }, 'scheduled job failed');
    } finally {
      clearInterval(renewal);
      stopTimer();
    }
    const next = due.getTime() + entry.job.intervalMs;
    const nextRunAt = new Date(next > clock.now().getTime() ? next : clock.now().getTime() + entry.job.intervalMs);
    await recordRun(db, { name: entry.name, holder, startedAt, nextRunAt, error });
  }

  function enqueue(entry: Entry): Promise<void> {
    entry.current = entry.current.then(() =>
      check(entry).catch((error: unknown) => log.warn({ err: error, job: entry.name }, 'checking a scheduled job failed')),
    );
    return entry.current;
  }

  function schedule(entry: Entry): void {
    entry.timer = setTimeout(() => {
      if (stopped) return;
      void enqueue(entry).then(() => {
        if (!stopped) schedule(entry);
      });
    }, entry.checkMs);
    entry.timer.unref();
  }

  for (const entry of entries) {
    void enqueue(entry);
    schedule(entry);
  }

  return {
    async tick() {
      await Promise.all(entries.map(enqueue));
    },
    async stop() {
      stopped = true;
      for (const entry of entries) clearTimeout(entry.timer);
      await Promise.all(entries.map((entry) => entry.current));
      if (entries.length > 0) await releaseJobs(db, holder, clock.now()).catch((error: unknown) => log.warn({ err: error }, 'releasing scheduled jobs failed'));
    },
  };
}
