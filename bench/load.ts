import { type AutocannonResult, runAutocannon } from './autocannon.js';
import { type CpuUsage, cpuSnapshot, cpuUsageSince, waitForQuietMachine } from './cpu.js';
import { type RssSummary, sampleRss } from './rss.js';
import type { Scenario } from './scenarios/scenario.js';

/** The figures of one scenario. */
export interface ScenarioResult {
  name: string;
  description: string;
  connections: number;
  durationSeconds: number;
  /** Mean of autocannon's per-second request counts (2xx and not). */
  requestsPerSecond: number;
  /** Successful responses per second over the whole measured run. */
  successesPerSecond: number;
  /** Latency of successful responses, ms (autocannon records whole milliseconds). */
  latencyMs: { mean: number; p50: number; p97_5: number; p99: number; max: number };
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Failures of the unmeasured warm-ups (they fail the run as well). */
  warmup: { seconds: number; non2xx: number; errors: number };
  /** What the scenario itself noticed, over every attempt (see {@link Scenario.anomalies}). */
  anomalies: Record<string, number>;
  /** Server RSS during the kept attempt (`maxMiB`: the peak over all attempts). */
  rss: RssSummary;
  /** CPU use during the kept measured run. */
  cpu: CpuUsage;
  /** Cores used by other work on the machine during the kept measured run (see {@link otherWork}). */
  otherCores: number;
  /** Machine CPU busy share just before the kept attempt, with the server idle. */
  backgroundCpuPercent: number;
  /** Attempts made; more than one when other work on the machine disturbed the earlier ones. */
  attempts: number;
}

/** What a run needs besides the scenario. */
export interface LoadOptions {
  url: string;
  serverPid: number;
  connections: number;
  duration: number;
  warmup: number;
  /** Longest wait for a quiet machine before each attempt, seconds. */
  quietWait: number;
  /** Attempts at most; another is made while other work took more than {@link DISTURBANCE_CORES}. */
  attempts: number;
}

/** Cores of other work during a measured run above which the run counts as disturbed and is retried. */
export const DISTURBANCE_CORES = 0.25;

/**
 * CPU time the machine spent on anything but the server, the load generator and PostgreSQL: on a
 * shared machine, someone else's build or test suite taking cores from the figures.
 */
export function otherWork(cpu: CpuUsage): number {
  return cpu.machine - cpu.server - cpu.loadGenerator - (Number.isNaN(cpu.postgres) ? 0 : cpu.postgres);
}

/**
 * Runs a scenario against the server: an unmeasured warm-up, then the measured run, sampling the
 * server's RSS throughout. Retries (up to `attempts`) while other work on the machine disturbed the
 * run, and keeps the least disturbed attempt.
 */
export async function runScenario(scenario: Scenario, options: LoadOptions): Promise<ScenarioResult> {
  const base = { url: options.url, connections: options.connections, pipelining: 1, timeout: 10, requests: scenario.requests };
  const warmup = { seconds: options.warmup, non2xx: 0, errors: 0 };
  let kept: { result: AutocannonResult; rss: RssSummary; cpu: CpuUsage; other: number; background: number } | undefined;
  let attempts = 0;
  let maxRssMiB = 0;
  while (attempts < options.attempts && (!kept || kept.other > DISTURBANCE_CORES)) {
    attempts++;
    const background = await waitForQuietMachine(options.quietWait);
    const sampler = sampleRss(options.serverPid);
    try {
      if (options.warmup > 0) {
        const warm = await runAutocannon({ ...base, duration: options.warmup });
        warmup.non2xx += warm.non2xx;
        warmup.errors += warm.errors + warm.timeouts;
      }
      const before = await cpuSnapshot(options.serverPid);
      const result = await runAutocannon({ ...base, duration: options.duration });
      const cpu = await cpuUsageSince(before, options.serverPid);
      const rss = await sampler.stop();
      maxRssMiB = Math.max(maxRssMiB, rss.maxMiB);
      const other = otherWork(cpu);
      // Failures are never retried away: the attempt that has them is the one reported.
      const failed = result.non2xx > 0 || result.errors > 0 || result.timeouts > 0;
      if (failed || !kept || other < kept.other) kept = { result, rss, cpu, other, background };
      if (failed) break;
    } finally {
      await sampler.stop();
    }
  }
  if (!kept) throw new Error(`${scenario.name}: no attempt was made`);

  const { result } = kept;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]));
  return {
    name: scenario.name,
    description: scenario.description,
    connections: options.connections,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.mean,
    successesPerSecond: result['2xx'] / result.duration,
    latencyMs: { mean: result.latency.mean, p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    total: result.requests.total ?? result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    warmup,
    anomalies: { ...scenario.anomalies() },
    // The peak over every attempt: memory a disturbed attempt reached is memory the server needed.
    rss: { ...kept.rss, maxMiB: maxRssMiB },
    cpu: kept.cpu,
    otherCores: kept.other,
    backgroundCpuPercent: kept.background,
    attempts,
  };
}
