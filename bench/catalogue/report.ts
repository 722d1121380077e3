import type { ScenarioResult } from '../load.js';
import type { DatabaseKind } from '../options.js';
import type { Machine } from '../report.js';
import type { BareComparison } from './compare-bare.js';
import type { RenderTiming } from './images.js';
import type { CatalogueOptions } from './options.js';
import type { SeedTimings } from './seed.js';

export interface CatalogueResult {
  database: DatabaseKind;
  label: string;
  startedAt: string;
  machine: Machine;
  options: Omit<CatalogueOptions, 'postgresUrl'> & { postgresUrl: undefined };
  seeding: SeedTimings & { analyzeSeconds: number };
  image: { bytes: number; width: number; height: number; renders: RenderTiming[] };
  idleRssMiB: number;
  maxRssMiB: number;
  scenarios: ScenarioResult[];
  /** The list page against the bare Fastify + pg baseline, interleaved rounds (`list-page-vs-bare`). */
  comparison?: BareComparison;
  /** SQL statements per request (PostgreSQL), by statement text. */
  statements?: Record<string, { perRequest: number; byText: Record<string, number> }>;
  failures: string[];
}

/**
 * The issue's targets on this 2-core machine, 20 connections, PostgreSQL, 10,000 products. It sets
 * none for a filtered listing; that row is measured to show what filters cost (only the p99 bound
 * of a listing is applied to it).
 */
export const CATALOGUE_TARGETS: Record<string, { rps?: number; p99Ms?: number }> = {
  'list-page': { rps: 1_300, p99Ms: 50 },
  'list-filtered': { p99Ms: 50 },
  'get-by-handle': { rps: 2_500, p99Ms: 50 },
  search: { rps: 500 },
  // Issue 8: at 50,000 products (`--products 50000`).
  'search-two-words': { rps: 500, p99Ms: 50 },
  'image-variant': { rps: 2_000 },
};

/** The list page's throughput as a share of the bare baseline's, in the same run (issue 8). */
export const BARE_RATIO_TARGET = 0.7;

/** What must hold for every scenario: the expected status only, no socket errors, no timeouts. */
export function scenarioProblems(result: ScenarioResult): string[] {
  const problems: string[] = [];
  const expected = result.name === 'image-variant-304' ? '304' : '200';
  const unexpected = Object.entries(result.statusCodes).filter(([status]) => status !== expected);
  if (unexpected.length > 0) problems.push(`${result.name}: unexpected statuses ${unexpected.map(([s, n]) => `${s} × ${n}`).join(', ')}`);
  if (result.errors > 0 || result.timeouts > 0) problems.push(`${result.name}: ${result.errors} errors, ${result.timeouts} timeouts`);
  if (Object.keys(result.anomalies).length > 0)
    problems.push(
      `${result.name}: ${Object.entries(result.anomalies)
        .map(([k, n]) => `${k} × ${n}`)
        .join(', ')}`,
    );
  return problems;
}

const NAMES: Record<DatabaseKind, string> = { postgres: 'PostgreSQL', pglite: 'PGlite' };
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const cores = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(2));

export function renderCatalogueMarkdown(results: CatalogueResult[]): string {
  const out: string[] = [];
  const machine = results[0]?.machine;
  if (machine)
    out.push(
      `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; server runtime: ${results[0]?.options.runtime}`,
      '',
    );
  for (const result of results) {
    const { seeding } = result;
    out.push(
      `### ${NAMES[result.database]}: ${result.options.connections} connections, ${result.options.duration} s per scenario after ${result.options.warmup} s warm-up`,
      '',
      `Seeding: ${int(seeding.products)} products / ${int(seeding.variants)} variants via ${seeding.method} (${seeding.batchSize} rows a batch) in ${seeding.totalSeconds.toFixed(1)} s — account + store + store session ${seeding.accountSeconds.toFixed(2)} s, rows ${seeding.rowsSeconds.toFixed(1)} s (batches ${seeding.batchSeconds.map((s) => s.toFixed(2)).join(', ')} s), commit ${seeding.commitSeconds.toFixed(1)} s${seeding.analyzeSeconds ? `; ANALYZE ${seeding.analyzeSeconds.toFixed(1)} s` : ''}.`,
      '',
      '| scenario | req/s | target req/s | p50 ms | p97.5 ms | p99 ms | target p99 | max ms | requests | statuses | CPU server / postgres / autocannon / other | max RSS MiB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|',
    );
    for (const s of result.scenarios) {
      const target = CATALOGUE_TARGETS[s.name] ?? {};
      const rpsMark = target.rps ? (s.requestsPerSecond >= target.rps ? ' ✅' : ' ❌') : '';
      const p99Mark = target.p99Ms ? (s.latencyMs.p99 <= target.p99Ms ? ' ✅' : ' ❌') : '';
      out.push(
        `| ${s.name} | ${int(s.requestsPerSecond)}${rpsMark} | ${target.rps ? `≥ ${int(target.rps)}` : '—'} | ${s.latencyMs.p50} | ${s.latencyMs.p97_5} | ${s.latencyMs.p99}${p99Mark} | ${target.p99Ms ? `≤ ${target.p99Ms}` : '—'} | ${s.latencyMs.max} | ${int(s.total)} | ${Object.entries(
          s.statusCodes,
        )
          .map(([k, n]) => `${k}×${int(n)}`)
          .join(
            ' ',
          )} | ${cores(s.cpu.server)} / ${cores(s.cpu.postgres)} / ${cores(s.cpu.loadGenerator)} / ${cores(s.otherCores)} | ${s.rss.maxMiB.toFixed(0)} |`,
      );
    }
    if (result.comparison) out.push('', ...renderComparison(result.comparison));
    out.push('', `Server RSS: ${result.idleRssMiB.toFixed(0)} MiB idle after start-up, ${result.maxRssMiB.toFixed(0)} MiB at most over the whole run.`, '');
    if (result.image.renders.length) {
      out.push(
        `Image: one ${result.image.width}×${result.image.height} JPEG of ${int(result.image.bytes / 1024)} KiB; first request of each variant (render + store), sequential, then the same request again:`,
        '',
        '| variant | first request ms | again (cached) ms | bytes | type |',
        '|---|---:|---:|---:|---|',
        ...result.image.renders.map((r) => `| ${r.variant} | ${r.firstMs.toFixed(0)} | ${r.cachedMs.toFixed(1)} | ${int(r.bytes)} | ${r.contentType} |`),
        '',
      );
    }
    if (result.statements) {
      out.push('SQL statements per request (separate probe process, 50 sequential requests each):', '');
      for (const [name, count] of Object.entries(result.statements)) {
        out.push(`- ${name}: ${count.perRequest.toFixed(2)}`);
        for (const [text, n] of Object.entries(count.byText)) out.push(`  - ${n.toFixed(2)} × \`${text}\``);
      }
      out.push('');
    }
    if (result.failures.length) out.push('**FAILED:**', ...result.failures.map((f) => `- ${f}`), '');
  }
  return out.join('\n');
}

const perRequestMs = (s: ScenarioResult) => (s.cpu.server * 1000) / s.requestsPerSecond;

function renderComparison(comparison: BareComparison): string[] {
  const { min, median, max } = comparison.ratio;
  return [
    `List page against the bare Fastify + pg baseline (bench/catalogue/bare-server.ts), interleaved rounds: ratio ${median.toFixed(2)}× median (${min.toFixed(2)}–${max.toFixed(2)}), target ≥ ${BARE_RATIO_TARGET}× ${min >= BARE_RATIO_TARGET ? '✅' : median >= BARE_RATIO_TARGET ? '(median ✅, not every round)' : '❌'}`,
    '',
    '| round | ours req/s | bare req/s | ratio | ours p99 ms | bare p99 ms | server CPU ms/request ours / bare | postgres cores ours / bare | other cores ours / bare |',
    '|---:|---:|---:|---:|---:|---:|---|---|---|',
    ...comparison.rounds.map(
      (r) =>
        `| ${r.round} | ${int(r.ours.requestsPerSecond)} | ${int(r.bare.requestsPerSecond)} | ${r.ratio.toFixed(2)} | ${r.ours.latencyMs.p99} | ${r.bare.latencyMs.p99} | ${perRequestMs(r.ours).toFixed(2)} / ${perRequestMs(r.bare).toFixed(2)} | ${cores(r.ours.cpu.postgres)} / ${cores(r.bare.cpu.postgres)} | ${cores(r.ours.otherCores)} / ${cores(r.bare.otherCores)} |`,
    ),
  ];
}
