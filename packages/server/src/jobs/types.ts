import type { PluginContext, PluginEvents, UntypedEvents } from '../plugin.js';

/**
 * Periodic work of a plugin (expiry sweeps, reconciliation, retries). It runs once per interval
 * across every server sharing the database, not once per server: one server holds the job's lease
 * and runs it; when that server stops or dies, another takes the lease over.
 */
export interface ScheduledJob<DB, Ev extends PluginEvents = UntypedEvents> {
  /** Stable name, unique within the plugin; stored as `<plugin>.<name>`. */
  name: string;
  /** Time from one run's start to the next's, by the server's clock. */
  intervalMs: number;
  /**
   * How long the holder's lease lasts without renewal (default: 4 checks, at least 5 s). A holder
   * renews it at every check; a dead holder's job waits this long before another server runs it.
   */
  leaseMs?: number;
  /** Does one run. A throw is logged and counted in `/metrics`; the next run comes at the next interval. */
  run(ctx: PluginContext<DB, Ev>): Promise<void>;
}

/** A job with its type parameters erased, as the scheduler holds it. */
// biome-ignore lint/suspicious/noExplicitAny: erasure point for heterogeneous plugins
export type AnyScheduledJob = ScheduledJob<any, any>;
