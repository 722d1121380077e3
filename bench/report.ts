import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { HashCost } from './hash-cost.js';
import { DISTURBANCE_CORES, type ScenarioResult } from './load.js';
import type { BenchOptions, DatabaseKind } from './options.js';

/** The machine the figures were taken on. */
export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

/** Everything one `--db` run measured; written as `bench/results/<date>-<db>.json`. */
export interface DatabaseResult {
  database: DatabaseKind;
  /** Database name or PGlite data folder (both gone by now). */
  label: string;
  startedAt: string;
  machine: Machine;
  options: Omit<BenchOptions, 'databases' | 'postgresUrl' | 'outDir' | 'cpuProfileDir'>;
  seeding: { users: number; sessions: number; seconds: number };
  /** Server RSS after start-up on the seeded database, before any load. */
  idleRssMiB: number;
  scenarios: ScenarioResult[];
  /** Spawn to first 200 from /health on the already-migrated database. */
  startup?: { runsMs: number[]; medianMs: number; backgroundCpuPercent: number[] };
  hashCost?: HashCost;
  /** Why this run failed (non-2xx, errors, anomalies); empty when it did not. */
  failures: string[];
}

/** Targets every figure is read against. */
export const TARGETS = {
  getProfileRps: 2_500,
  getProfileP99Ms: 25,
  tokenRefreshRps: 1_000,
  rssMiB: 200,
  startupMs: 1_500,
} as const;

/** Describes this machine. */
export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Failures a scenario result implies: any non-2xx, socket error, timeout or anomaly. */
export function scenarioFailures(result: ScenarioResult): string[] {
  const failures: string[] = [];
  const where = result.name;
  if (result.non2xx > 0)
    failures.push(`${where}: ${result.non2xx} non-2xx responses (${formatCounts(result.statusCodes, (status) => !status.startsWith('2'))})`);
  if (result.errors > 0 || result.timeouts > 0) failures.push(`${where}: ${result.errors} errors, ${result.timeouts} timeouts`);
  if (result.warmup.non2xx > 0 || result.warmup.errors > 0)
    failures.push(`${where} warm-up: ${result.warmup.non2xx} non-2xx, ${result.warmup.errors} errors/timeouts`);
  if (Object.keys(result.anomalies).length > 0) failures.push(`${where}: ${formatCounts(result.anomalies)}`);
  return failures;
}

function formatCounts(counts: Record<string, number>, keep: (kind: string) => boolean = () => true): string {
  return Object.entries(counts)
    .filter(([kind]) => keep(kind))
    .map(([kind, count]) => `${kind} × ${count}`)
    .join(', ');
}

/** Writes a result as `<outDir>/<date>-<db>.json` and returns the path. */
export async function writeResult(outDir: string, result: DatabaseResult): Promise<string> {
  await mkdir(outDir, { recursive: true });
  // Date and time (UTC), so several runs on one day do not overwrite each other.
  const stamp = result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const path = join(outDir, `${stamp}-${result.database}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

const NAMES: Record<DatabaseKind, string> = { postgres: 'PostgreSQL', pglite: 'PGlite' };

/**
 * Markdown: one table of every figure beside its target, a column per database, then the raw
 * per-scenario figures.
 */
export function renderMarkdown(results: DatabaseResult[]): string {
  const header = `| figure | target | ${results.map((result) => NAMES[result.database]).join(' | ')} |`;
  const rule = `|---|---|${results.map(() => '---:').join('|')}|`;
  const rows: string[] = [];
  const row = (figure: string, target: string, cell: (result: DatabaseResult) => string) =>
    rows.push(`| ${figure} | ${target} | ${results.map((result) => cell(result)).join(' | ')} |`);
  const scenario = (result: DatabaseResult, name: string) => result.scenarios.find((entry) => entry.name === name);
  const names = [...new Set(results.flatMap((result) => result.scenarios.map((entry) => entry.name)))];

  if (names.includes('get-profile')) {
    row('get-profile req/s', `≥ ${int(TARGETS.getProfileRps)}`, (r) =>
      mark(
        scenario(r, 'get-profile'),
        (s) => s.requestsPerSecond,
        (v) => v >= TARGETS.getProfileRps,
        int,
      ),
    );
    row('get-profile p99 latency', `≤ ${TARGETS.getProfileP99Ms} ms`, (r) =>
      mark(
        scenario(r, 'get-profile'),
        (s) => s.latencyMs.p99,
        (v) => v <= TARGETS.getProfileP99Ms,
        ms,
      ),
    );
  }
  if (names.includes('token-refresh')) {
    row('token-refresh req/s', `≥ ${int(TARGETS.tokenRefreshRps)}`, (r) =>
      mark(
        scenario(r, 'token-refresh'),
        (s) => s.requestsPerSecond,
        (v) => v >= TARGETS.tokenRefreshRps,
        int,
      ),
    );
  }
  if (names.includes('login')) {
    row('login req/s', 'bounded by the hash cost', (r) => {
      const login = scenario(r, 'login');
      if (!login) return '—';
      const ceiling = r.hashCost?.measuredPerSecond;
      return ceiling
        ? `${int(login.requestsPerSecond)} (${Math.round((login.requestsPerSecond / ceiling) * 100)}% of ${int(ceiling)}/s hashing alone)`
        : int(login.requestsPerSecond);
    });
  }
  for (const name of names) {
    row(`max RSS, ${name}`, `≤ ${TARGETS.rssMiB} MiB`, (r) =>
      mark(
        scenario(r, name),
        (s) => s.rss.maxMiB,
        (v) => v <= TARGETS.rssMiB,
        (v) => `${mib(v)} MiB`,
      ),
    );
  }
  row('start-up to healthy (median)', `≤ ${int(TARGETS.startupMs)} ms (PostgreSQL)`, (r) => {
    if (!r.startup) return '—';
    const value = `${int(r.startup.medianMs)} ms`;
    return r.database === 'postgres' ? `${value} ${r.startup.medianMs <= TARGETS.startupMs ? '✅' : '❌'}` : value;
  });
  row('non-2xx / errors, all scenarios', '0 / 0', (r) => {
    const non2xx = r.scenarios.reduce((sum, s) => sum + s.non2xx + s.warmup.non2xx, 0);
    const errors = r.scenarios.reduce((sum, s) => sum + s.errors + s.timeouts + s.warmup.errors, 0);
    return `${int(non2xx)} / ${int(errors)} ${non2xx + errors === 0 && r.failures.length === 0 ? '✅' : '❌'}`;
  });

  const details = results.map((result) => {
    const lines = [
      `#### ${NAMES[result.database]}: ${result.options.connections} connections, ${result.options.duration} s per scenario (after ${result.options.warmup} s warm-up)`,
      '',
      '| scenario | req/s (mean) | p50 ms | p97.5 ms | p99 ms | max ms | requests | non-2xx | errors | max RSS MiB | CPU cores: server / autocannon / postgres / other work | attempts |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...result.scenarios.map(
        (s) =>
          `| ${s.name} | ${int(s.requestsPerSecond)} | ${s.latencyMs.p50} | ${s.latencyMs.p97_5} | ${s.latencyMs.p99} | ${s.latencyMs.max} | ${int(s.total)} | ${s.non2xx} | ${s.errors + s.timeouts} | ${mib(s.rss.maxMiB)} | ${cores(s.cpu.server)} / ${cores(s.cpu.loadGenerator)} / ${cores(s.cpu.postgres)} / ${cores(s.otherCores)} of ${s.cpu.cores} | ${s.attempts} |`,
      ),
      '',
      `Idle RSS after start-up, before load: ${mib(result.idleRssMiB)} MiB. Seeded ${result.seeding.users} users and ${result.seeding.sessions} extra sessions in ${result.seeding.seconds.toFixed(1)} s.` +
        (result.startup ? ` Start-up runs: ${result.startup.runsMs.map((value) => `${int(value)} ms`).join(', ')}.` : '') +
        (result.hashCost
          ? ` Hash cost: ${result.hashCost.params}; one verification takes ${result.hashCost.verifyMs.toFixed(1)} ms; hashing alone, ${result.hashCost.concurrency} at once in one process as the server runs them, manages ${int(result.hashCost.measuredPerSecond)}/s (${int(result.hashCost.ceilingPerSecond)}/s if ${result.hashCost.cores} cores scaled perfectly).`
          : ''),
    ];
    const busy = result.scenarios.filter((s) => s.otherCores > DISTURBANCE_CORES).map((s) => `${s.name} (${cores(s.otherCores)} cores)`);
    if (busy.length) lines.push('', `⚠ Other work on the machine took CPU during every attempt of: ${busy.join(', ')}; those figures are pessimistic.`);
    if (result.failures.length) lines.push('', '**FAILED:**', ...result.failures.map((failure) => `- ${failure}`));
    return lines.join('\n');
  });

  const machine = results[0]?.machine;
  const intro = machine
    ? `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; server runtime: ${results[0]?.options.runtime}`
    : '';
  return [intro, '', header, rule, ...rows, '', ...details.flatMap((detail) => [detail, ''])].join('\n');
}

function mark<T>(subject: T | undefined, read: (subject: T) => number, ok: (value: number) => boolean, format: (value: number) => string): string {
  if (!subject) return '—';
  const value = read(subject);
  return `${format(value)} ${ok(value) ? '✅' : '❌'}`;
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value} ms`;
const mib = (value: number) => value.toFixed(0);
const cores = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(2));
