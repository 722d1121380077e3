import { runAutocannon } from './autocannon.js';
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
  /** Failures of the unmeasured warm-up (they fail the run as well). */
  warmup: { seconds: number; non2xx: number; errors: number };
  anomalies: Record<string, number>;
  /** Server RSS during warm-up and the measured run. */
  rss: RssSummary;
  /** CPU use during the measured run. */
  cpu: CpuUsage;
  /** Machine CPU busy share just before the scenario, with the server idle: other work skewing the figures. */
  backgroundCpuPercent: number;
}

/** Runs a scenario against `url`: an unmeasured warm-up, then the measured run, sampling the server's RSS throughout. */
export async function runScenario(
  scenario: Scenario,
  options: { url: string; serverPid: number; connections: number; duration: number; warmup: number; quietWait: number },
): Promise<ScenarioResult> {
  const backgroundCpuPercent = await waitForQuietMachine(options.quietWait);
  const sampler = sampleRss(options.serverPid);
  const base = { url: options.url, connections: options.connections, pipelining: 1, timeout: 10, requests: scenario.requests };
  try {
    const warmup = options.warmup > 0 ? await runAutocannon({ ...base, duration: options.warmup }) : undefined;
    const before = await cpuSnapshot(options.serverPid);
    const result = await runAutocannon({ ...base, duration: options.duration });
    const cpu = await cpuUsageSince(before, options.serverPid);
    const rss = await sampler.stop();
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
      warmup: { seconds: options.warmup, non2xx: warmup?.non2xx ?? 0, errors: (warmup?.errors ?? 0) + (warmup?.timeouts ?? 0) },
      // The scenario counts from its first request, warm-up included: a chain broken then is as wrong as one measured.
      anomalies: { ...scenario.anomalies() },
      rss,
      cpu,
      backgroundCpuPercent,
    };
  } finally {
    await sampler.stop();
  }
}
