/**
 * `pnpm bench:checkout`: whole checkouts on PostgreSQL, every service in one server process, against
 * a bare Fastify + pg baseline answering the same requests with only their minimal SQL
 * (`bench/checkout/bare-server.ts`), in the same run. `--shoppers` shoppers at once each repeat a
 * whole checkout (`bench/checkout/shopper.ts`): a cart, a line from each of two stores, a quote and
 * a shipping choice per store, the checkout, paying at the sandbox gateway, then reading the
 * checkout until its orders are paid. Rounds of one measured run per server, alternating which goes
 * first, so whatever else the shared machine does falls on both; the share is TokoBapak's completed
 * checkouts per second over the baseline's, per round, with the spread. The server's resident
 * memory is sampled (VmRSS) through every measured run, and its peak (VmHWM) read at the end.
 *
 *   pnpm bench:checkout --duration 10 --rounds 3 --shoppers 10
 *   pnpm bench:checkout --only ours --rounds 1 --cpu-prof /tmp/profiles   # a CPU profile of the store under load
 *   pnpm bench:checkout --only ours --rounds 1 --statements                # each statement's count per checkout
 *   pnpm bench:checkout --runtime dist                                     # the packages' builds on plain node (pnpm build first)
 *   pnpm bench:checkout --only ours --rounds 1 --heap                      # what the server's RSS is made of, at the window's start and end
 *   pnpm bench:checkout --only ours --rounds 1 --heap-snapshots /tmp/snaps # heap snapshots of the server as the window opens and closes
 *   pnpm bench:checkout --server-node-args=--max-semi-space-size=16       # V8 flags for the store's process
 *   pnpm bench:checkout --cost-by-request 200 --runtime dist               # the store's CPU per request of a checkout, one shopper
 *
 * `--runtime src` (the default) loads the packages from their sources through tsx, as the other
 * checkout figures were taken; `dist` is what `tokobapak start` runs, and its memory is the users'.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient } from '@tokobapak/sdk';
import { createTokenService, newId } from '@tokobapak/server';
import pg from 'pg';
import { adminQuery } from './bench-database.js';
import type { HeapSample } from './checkout/heap-report.js';
import { costByRequest } from './checkout/request-cost.js';
import { type CheckoutTiming, checkoutOnce, JsonConnection, type Shelf } from './checkout/shopper.js';
import { RIDER_MARK } from './checkout/statement-tally.js';
import { type CpuUsage, cpuSnapshot, cpuUsageSince } from './cpu.js';
import { checkDistBuilds } from './dist-check.js';
import { type EntryRuntime, type RunningEntry, startEntry } from './entry-process.js';
import { sampleRss } from './rss.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    shoppers: { type: 'string', default: '10' },
    variants: { type: 'string', default: '20' },
    'poll-ms': { type: 'string', default: '25' },
    'wait-seconds': { type: 'string', default: '10' },
    'pool-size': { type: 'string', default: '20' },
    only: { type: 'string', default: 'both' },
    'cpu-prof': { type: 'string' },
    statements: { type: 'boolean', default: false },
    runtime: { type: 'string', default: 'src' },
    heap: { type: 'boolean', default: false },
    'heap-snapshots': { type: 'string' },
    'server-node-args': { type: 'string', default: '' },
    'cost-by-request': { type: 'string' },
    'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rounds = Math.max(1, Number(values.rounds));
const shopperCount = Number(values.shoppers);
const variantCount = Number(values.variants);
// After paying, one read held until the checkout is finished; `--wait-seconds 0` polls every `--poll-ms` instead.
const following = { waitSeconds: Number(values['wait-seconds']), pollMs: Number(values['poll-ms']) };
const only = values.only as 'both' | 'ours' | 'bare';
if (values.runtime !== 'src' && values.runtime !== 'dist') throw new Error(`--runtime: "src" or "dist", not "${values.runtime}"`);
const runtime = values.runtime as EntryRuntime;
const PLUGINS = ['auth', 'user', 'merchant', 'inventory', 'image-proxy', 'promoted-item', 'promotion', 'cart', 'wishlist', 'shipping', 'payment', 'order'];
const statementsFile = values.statements ? join(tmpdir(), `tb-bench-checkout-statements-${process.pid}.json`) : undefined;
const heapFile = values.heap ? join(tmpdir(), `tb-bench-checkout-heap-${process.pid}.jsonl`) : undefined;
const heapSnapshots = values['heap-snapshots'];
const log = (message: string) => process.stderr.write(`${message}\n`);

const TARGETS = { checkoutsPerSecond: 100, p99Ms: 500, rssMiB: 300 };

/** Two stores with a flat shipping rate, `variantCount` variants each with stock enough for any run. */
async function seed(url: string, secret: string): Promise<Shelf> {
  const tokens = createTokenService({ secret, accessTokenTtl: 3600 });
  const session = `ses_${'0'.repeat(26)}`;
  const stores: Shelf['stores'] = [];
  for (const [storeIndex, name] of ['Kopi', 'Teh'].entries()) {
    const storeId = newId('sto');
    const merchant = createClient({
      baseUrl: url,
      autoRefresh: false,
      accessToken: tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: session, storeId, storeRole: 'owner' }),
    });
    await merchant.shipping.updateShippingSettings({
      body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: 15000 + storeIndex * 3000 }, weightTable: null, biteship: null },
    });
    const variantIds: string[] = [];
    for (let index = 0; index < variantCount; index++) {
      const handle = `${name.toLowerCase()}-bench-${index}`;
      const product = await merchant.inventory.createProduct({
        body: {
          title: `${name} ${index}`,
          handle,
          categories: ['bench'],
          variants: [{ sku: handle.toUpperCase(), price: { amount: 20000 + index * 500, currency: 'IDR' }, weight: 250, stockOnHand: 100_000_000 }],
          status: 'active',
        },
      });
      variantIds.push(product.variants[0]?.id as string);
    }
    stores.push({ storeId, variantIds });
  }
  return { stores };
}

interface RunResult {
  completed: number;
  checkoutsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  settleMs: { p50: number; p99: number };
  /** Mean ms of each part of a checkout. */
  partsMs: Record<keyof CheckoutTiming['parts'], number>;
  pollsPerCheckout: number;
  failures: string[];
  rss: { maxMiB: number; hwmMiB: number };
  cpu: CpuUsage;
  /** Server CPU time per completed checkout, ms: what bounds throughput once the machine is the limit. */
  cpuMsPerCheckout: number;
  /** Committed database transactions per completed checkout (the store's, the job's and the relay's). */
  transactionsPerCheckout: number;
  /** With `--statements`: each statement's count per completed checkout, most frequent first. */
  statements?: Array<[string, number]>;
  /** With `--heap`: the server's memory as the window opened, as it closed, and each figure's maximum in it. */
  heap?: { start: HeapSample; end: HeapSample; max: HeapSample };
  /** With `--statements`: each transaction's sequence of statements (and each autocommit statement), per completed checkout. */
  transactions?: Array<[string, number]>;
}

/** The server's heap samples taken inside the window (see `checkout/heap-report.ts`). */
async function heapInWindow(file: string, from: number, to: number): Promise<RunResult['heap']> {
  const samples = (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HeapSample)
    .filter((sample) => sample.at >= from && sample.at <= to);
  const [start, end] = [samples[0], samples.at(-1)];
  if (!start || !end) return undefined;
  const max = Object.fromEntries(
    Object.keys(start).map((key) => [key, Math.max(...samples.map((sample) => sample[key as keyof HeapSample]))]),
  ) as unknown as HeapSample;
  return { start, end, max };
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number) : Number.NaN;

/** Peak resident set size of a process since it started (`VmHWM`), in MiB. */
async function readHwmMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
}

/** Transactions committed in the bench database so far (PostgreSQL's statistics, flushed within a second). */
async function committedTransactions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select xact_commit from pg_stat_database where datname = current_database()');
    return Number(rows[0]?.xact_commit);
  } finally {
    await client.end();
  }
}

/** Every shopper repeats whole checkouts for the warm-up and then the measured window; only checkouts that start and end inside it count. */
async function run(
  server: RunningEntry,
  connections: JsonConnection[],
  shelf: Shelf,
  turns: { next: number },
  shopper: () => Record<string, string>,
): Promise<RunResult> {
  const timings: CheckoutTiming[] = [];
  const failures: string[] = [];
  const begin = performance.now() + warmup * 1000;
  const end = begin + duration * 1000;
  let rss: ReturnType<typeof sampleRss> | undefined;
  let cpuBefore: Awaited<ReturnType<typeof cpuSnapshot>> | undefined;
  let commitsBefore = Number.NaN;
  let windowOpened = Number.NaN;
  const startMeasuring = setTimeout(async () => {
    windowOpened = Date.now();
    rss = sampleRss(server.pid, 100);
    if (heapSnapshots && server === ours) process.kill(server.pid, 'SIGHUP');
    if (statementsFile && server === ours) process.kill(server.pid, 'SIGUSR2');
    cpuBefore = await cpuSnapshot(server.pid);
    commitsBefore = await committedTransactions(dbUrl.toString());
  }, warmup * 1000);
  await Promise.all(
    connections.map(async (connection) => {
      while (performance.now() < end) {
        const startedAt = performance.now();
        connection.headers = shopper();
        try {
          const timing = await checkoutOnce(connection, shelf, turns.next++, following);
          if (startedAt >= begin && performance.now() <= end) timings.push(timing);
        } catch (error) {
          // Warm-up failures count too: every checkout must go through.
          failures.push((error as Error).message);
        }
      }
    }),
  );
  clearTimeout(startMeasuring);
  const windowClosed = Date.now();
  const cpu = await cpuUsageSince(cpuBefore as NonNullable<typeof cpuBefore>, server.pid);
  if (heapSnapshots && server === ours) process.kill(server.pid, 'SIGHUP');
  if (statementsFile && server === ours) process.kill(server.pid, 'SIGUSR1');
  // The statistics of the last transactions reach the view within a second.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const commits = (await committedTransactions(dbUrl.toString())) - commitsBefore;
  const memory = await (rss as NonNullable<typeof rss>).stop();
  const tally = statementsFile && server === ours ? (JSON.parse(await readFile(statementsFile, 'utf8')) as Record<string, number>) : undefined;
  const shapes =
    statementsFile && server === ours ? (JSON.parse(await readFile(`${statementsFile}.transactions.json`, 'utf8')) as Record<string, number>) : undefined;
  const perCheckout = (counts: Record<string, number>) =>
    Object.entries(counts).map(([text, count]): [string, number] => [text, count / Math.max(1, timings.length)]);
  const totals = timings.map((timing) => timing.totalMs).sort((a, b) => a - b);
  const settles = timings.map((timing) => timing.settleMs).sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    completed: timings.length,
    // Checkouts that started in the window and ended in it, over the window: the ones cut off at
    // either edge are the same few for both servers.
    checkoutsPerSecond: timings.length / duration,
    latencyMs: {
      p50: round(percentile(totals, 50)),
      p90: round(percentile(totals, 90)),
      p99: round(percentile(totals, 99)),
      max: round(totals.at(-1) ?? Number.NaN),
    },
    settleMs: { p50: round(percentile(settles, 50)), p99: round(percentile(settles, 99)) },
    partsMs: Object.fromEntries(
      (['cart', 'shipping', 'checkout', 'pay', 'wait'] as const).map((part) => [
        part,
        round(timings.reduce((sum, timing) => sum + timing.parts[part], 0) / Math.max(1, timings.length)),
      ]),
    ) as RunResult['partsMs'],
    pollsPerCheckout: timings.reduce((sum, timing) => sum + timing.polls, 0) / Math.max(1, timings.length),
    failures,
    rss: { maxMiB: memory.maxMiB, hwmMiB: await readHwmMiB(server.pid) },
    cpu,
    cpuMsPerCheckout: (cpu.server * duration * 1000) / Math.max(1, timings.length),
    transactionsPerCheckout: commits / Math.max(1, timings.length),
    ...(heapFile && server === ours ? { heap: await heapInWindow(heapFile, windowOpened, windowClosed) } : {}),
    ...(tally ? { statements: perCheckout(tally) } : {}),
    ...(shapes ? { transactions: perCheckout(shapes) } : {}),
  };
}

const database = `tb_bench_checkout_${randomBytes(4).toString('hex')}`;
const adminUrl = values['postgres-url'] as string;
await adminQuery(adminUrl, `create database ${database}`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${database}`;
const secret = randomBytes(32).toString('hex');
const poolArgs = ['--db-url', dbUrl.toString(), '--pool-size', String(values['pool-size'])];
const profileArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
const serverNodeArgs = [...profileArgs, ...(values['server-node-args'] as string).split(' ').filter(Boolean)];
const servers: RunningEntry[] = [];
let failed = false;
let ours: RunningEntry | undefined;
try {
  if (runtime === 'dist') for (const warning of await checkDistBuilds(PLUGINS)) log(`WARNING ${warning}`);
  ours = await startEntry(
    import.meta.url,
    './checkout/server.ts',
    [
      ...poolArgs,
      '--secret',
      secret,
      '--blob-dir',
      join(tmpdir(), `${database}-blobs`),
      ...(statementsFile ? ['--statements-file', statementsFile] : []),
      ...(heapFile ? ['--heap-file', heapFile] : []),
      ...(heapSnapshots ? ['--heap-snapshots', heapSnapshots] : []),
    ],
    serverNodeArgs,
    runtime,
  );
  servers.push(ours);
  log(`seeding 2 stores of ${variantCount} variants…`);
  const shelf = await seed(ours.url, secret);
  const bare = only === 'ours' ? undefined : await startEntry(import.meta.url, './checkout/bare-server.ts', poolArgs, [], runtime);
  if (bare) servers.push(bare);
  const tokens = createTokenService({ secret, accessTokenTtl: 3600 });
  // Every checkout is a new customer's (one has a single open cart, and shoppers check out once).
  const customer = () => ({
    authorization: `Bearer ${tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: `ses_${'0'.repeat(26)}` })}`,
  });
  if (values['cost-by-request']) {
    const count = Number(values['cost-by-request']);
    const measure = async (server: RunningEntry, headers: () => Record<string, string>) => {
      const connection = new JsonConnection(server.url);
      await costByRequest(connection, shelf, server.pid, Math.min(20, count), headers); // warm-up: JIT, prepared statements
      const costs = await costByRequest(connection, shelf, server.pid, count, headers);
      connection.close();
      return costs;
    };
    const mine = await measure(ours, customer);
    const theirs = bare ? await measure(bare, () => ({})) : undefined;
    const mean = (list: number[] | undefined) => (list?.length ? list.reduce((sum, value) => sum + value, 0) / list.length : Number.NaN);
    const perCheckout = (costs: Map<string, number[]> | undefined) =>
      [...(costs ?? [])].filter(([step]) => !step.startsWith('(')).reduce((sum, [, list]) => sum + (mean(list) * list.length) / count, 0);
    log(`the main thread's CPU per request, one shopper, ${count} checkouts, ms (mean): TokoBapak, bare`);
    for (const [step, list] of mine) {
      log(`  ${step.padEnd(20)} ×${(list.length / count).toFixed(1)}  ${mean(list).toFixed(2).padStart(6)}  ${mean(theirs?.get(step)).toFixed(2).padStart(6)}`);
    }
    log(`  per checkout          ${perCheckout(mine).toFixed(2).padStart(6)}  ${perCheckout(theirs).toFixed(2).padStart(6)}`);
  } else {
    const turns = { next: 0 };
    const results: Array<{ ours?: RunResult; bare?: RunResult; load: number[] }> = [];
    const kinds = only === 'both' ? (['ours', 'bare'] as const) : ([only] as const);
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? kinds : [...kinds].reverse();
      const measured: { ours?: RunResult; bare?: RunResult; load: number[] } = { load: loadavg().map((value) => Math.round(value * 100) / 100) };
      for (const which of order) {
        const server = which === 'ours' ? (ours as RunningEntry) : (bare as RunningEntry);
        const connections = Array.from({ length: shopperCount }, () => new JsonConnection(server.url));
        const result = await run(server, connections, shelf, turns, which === 'ours' ? customer : () => ({}));
        for (const connection of connections) connection.close();
        measured[which] = result;
        if (result.failures.length) failed = true;
        log(
          `round ${round} ${which}: ${result.checkoutsPerSecond.toFixed(1)} checkouts/s, p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms (pay→paid p50 ${result.settleMs.p50} p99 ${result.settleMs.p99} ms, ${result.pollsPerCheckout.toFixed(1)} reads; mean ms ${Object.entries(
            result.partsMs,
          )
            .map(([part, ms]) => `${part} ${ms}`)
            .join(
              ', ',
            )}), ${result.cpuMsPerCheckout.toFixed(1)} ms server CPU and ${result.transactionsPerCheckout.toFixed(1)} transactions per checkout, RSS max ${result.rss.maxMiB.toFixed(0)} MiB (peak ${result.rss.hwmMiB.toFixed(0)}), CPU server ${result.cpu.server.toFixed(2)} (kernel ${result.cpu.serverKernel.toFixed(2)}) postgres ${result.cpu.postgres.toFixed(2)} machine ${result.cpu.machine.toFixed(2)}/${result.cpu.cores}, ${result.failures.length} failures${result.failures[0] ? ` (first: ${result.failures[0]})` : ''}`,
        );
      }
      results.push(measured);
      const heap = measured.ours?.heap;
      if (heap) {
        const figures: Array<[string, keyof HeapSample]> = [
          ['RSS', 'rss'],
          ['V8 heap used', 'heapUsed'],
          ['V8 heap reserved', 'heapTotal'],
          ['of it young generation', 'newSpace'],
          ['external', 'external'],
          ['array buffers', 'arrayBuffers'],
        ];
        log(
          `round ${round} ours, MiB at the window's start → end (max): ${figures.map(([name, key]) => `${name} ${mib(heap.start[key])} → ${mib(heap.end[key])} (${mib(heap.max[key])})`).join(', ')}`,
        );
        const during = (key: keyof HeapSample) => heap.end[key] - heap.start[key];
        log(
          `round ${round} ours, garbage collection in the window: ${during('scavenges')} scavenges (${during('scavengeMs').toFixed(0)} ms), ${during('fullGcs')} full (${during('fullGcMs').toFixed(0)} ms), ${((during('scavengeMs') + during('fullGcMs')) / Math.max(1, measured.ours?.completed ?? 0)).toFixed(2)} ms per checkout`,
        );
      }
      const statements = measured.ours?.statements;
      if (statements) {
        const total = statements.reduce((sum, [, count]) => sum + count, 0);
        const riding = statements.reduce((sum, [text, count]) => (text.startsWith(RIDER_MARK) ? sum + count : sum), 0);
        log(
          `round ${round} ours: ${total.toFixed(1)} statements per checkout in ${(total - riding).toFixed(1)} round trips (${RIDER_MARK}rode along with the next); the most frequent:`,
        );
        for (const [text, count] of statements.slice(0, 40)) log(`  ${count.toFixed(2).padStart(6)}  ${text}`);
        log(`round ${round} ours: transactions per checkout, by their statements in order:`);
        for (const [shape, count] of (measured.ours?.transactions ?? []).slice(0, 40)) log(`  ${count.toFixed(2).padStart(6)}  ${shape}`);
      }
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
    const range = (list: number[], digits = 0) => `${Math.min(...list).toFixed(digits)}–${Math.max(...list).toFixed(digits)}`;
    const mark = (ok: boolean) => (ok ? '✅' : '❌');
    const lines: string[] = [`load averages at the rounds' starts (1/5/15 min): ${results.map((result) => result.load.join('/')).join(', ')}`, ''];
    const mine = results.flatMap((result) => (result.ours ? [result.ours] : []));
    const theirs = results.flatMap((result) => (result.bare ? [result.bare] : []));
    lines.push('| figure | target | TokoBapak, median (range) | bare, median (range) |', '|---|---|---|---|');
    const row = (figure: string, target: string, read: (result: RunResult) => number, ok?: (value: number) => boolean, digits = 0) => {
      // A round in which no checkout completed has no latency: left out rather than spoiling the range.
      const ourValues = mine.map(read).filter(Number.isFinite);
      const bareValues = theirs.map(read).filter(Number.isFinite);
      const ourCell = ourValues.length
        ? `${median(ourValues).toFixed(digits)} (${range(ourValues, digits)})${ok ? ` ${mark(ok(median(ourValues)))}` : ''}`
        : '—';
      const bareCell = bareValues.length ? `${median(bareValues).toFixed(digits)} (${range(bareValues, digits)})` : '—';
      lines.push(`| ${figure} | ${target} | ${ourCell} | ${bareCell} |`);
    };
    row(
      'completed checkouts/s',
      `≥ ${TARGETS.checkoutsPerSecond}`,
      (r) => r.checkoutsPerSecond,
      (v) => v >= TARGETS.checkoutsPerSecond,
      1,
    );
    row('p50 of a whole checkout, ms', '', (r) => r.latencyMs.p50);
    row(
      'p99 of a whole checkout, ms',
      `≤ ${TARGETS.p99Ms}`,
      (r) => r.latencyMs.p99,
      (v) => v <= TARGETS.p99Ms,
    );
    row('pay → orders read as paid, p50 ms', '', (r) => r.settleMs.p50);
    row('pay → orders read as paid, p99 ms', '', (r) => r.settleMs.p99);
    row(
      'server RSS under load, max MiB',
      `≤ ${TARGETS.rssMiB}`,
      (r) => r.rss.maxMiB,
      (v) => v <= TARGETS.rssMiB,
    );
    row(
      'server RSS peak since start (VmHWM), MiB',
      `≤ ${TARGETS.rssMiB}`,
      (r) => r.rss.hwmMiB,
      (v) => v <= TARGETS.rssMiB,
    );
    row('server CPU, cores', '', (r) => r.cpu.server, undefined, 2);
    row('of which in the kernel (socket writes, wakeups), cores', '', (r) => r.cpu.serverKernel, undefined, 2);
    row('PostgreSQL CPU, cores', '', (r) => r.cpu.postgres, undefined, 2);
    row('server CPU per checkout, ms', '', (r) => r.cpuMsPerCheckout, undefined, 1);
    row('database transactions (autocommit statements included) per checkout', '', (r) => r.transactionsPerCheckout, undefined, 1);
    row('whole machine busy, cores', '', (r) => r.cpu.machine, undefined, 2);
    row(
      'failed checkouts',
      '0',
      (r) => r.failures.length,
      (v) => v === 0,
    );
    if (mine.length && theirs.length) {
      const shares = results
        .filter((result) => result.ours && result.bare)
        .map((result) => (result.ours as RunResult).checkoutsPerSecond / (result.bare as RunResult).checkoutsPerSecond);
      lines.push(
        '',
        `TokoBapak's checkouts/s as a share of bare's, per round: median ${median(shares).toFixed(2)} (${range(shares, 2)}) over ${shares.length} rounds`,
      );
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
} finally {
  for (const server of servers.reverse()) await server.stop();
  await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
}
process.exitCode = failed ? 1 : 0;
