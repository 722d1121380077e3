/**
 * `pnpm bench:demo-rss`: the resident memory of `tokobapak start --demo` (twelve services on PGlite)
 * on a first start in a new data folder and on a restart of the same folder.
 *
 * Each run spawns the built CLI as `pnpm demo` does, waits for the URL (`--json`), and reads
 * `/proc/<pid>/status` (VmRSS, VmHWM) and `/proc/<pid>/smaps_rollup` (Pss) of the CLI process and of
 * every process under it at fixed times after the URL. Linux only (procfs). The machine is shared:
 * repeat (`--runs`) and read the spread, not one figure.
 *
 *     pnpm bench:demo-rss --runs 5 --at 5,20,60
 *     pnpm bench:demo-rss --env TOKOBAPAK_WASM_TIER_UP=on   # V8's default tiering for PGlite
 *     pnpm bench:demo-rss --env MALLOC_MMAP_THRESHOLD_=131072 --node-arg=--max-semi-space-size=2
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CLI_BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    at: { type: 'string', default: '5,20,60' },
    env: { type: 'string', multiple: true, default: [] },
    'node-arg': { type: 'string', multiple: true, default: [] },
    'no-restart': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`pnpm bench:demo-rss [--runs 3] [--at 5,20,60] [--env KEY=VALUE]… [--node-arg FLAG]… [--no-restart]

Starts \`tokobapak start --demo --port 0 --data <new folder>\` (then again on the same folder),
and prints RSS (VmRSS), peak RSS (VmHWM) and PSS at each --at second after the URL was printed:
min / median / max over --runs. --env sets (KEY=VALUE) or unsets (KEY=) a variable of the store.`);
  process.exit(0);
}

if (!existsSync(CLI_BIN)) {
  console.error('packages/cli/dist/bin.js is missing: run `pnpm exec tsx scripts/build.ts --js-only` first');
  process.exit(1);
}

const runs = Number(values.runs);
const times = values.at.split(',').map(Number);
const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', TOKOBAPAK_LOG_LEVEL: 'warn' };
for (const pair of values.env) {
  const [key, ...rest] = pair.split('=');
  if (!key) continue;
  if (rest.length === 0 || rest.join('=') === '') delete env[key];
  else env[key] = rest.join('=');
}

/** Memory of one process, in MiB. */
interface ProcessMemory {
  rss: number;
  hwm: number;
  pss: number;
}

async function processMemory(pid: number): Promise<ProcessMemory | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const kib = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { rss: kib(status, 'VmRSS') / 1024, hwm: kib(status, 'VmHWM') / 1024, pss: kib(rollup, 'Pss') / 1024 };
  } catch {
    return undefined;
  }
}

/** The pid and every descendant (a launcher's child included). */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the command name, which may itself hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, ppid] of parents) if (ppid === tree[index]) tree.push(pid);
  }
  return tree;
}

/** One reading: the largest process (the server) and the sum over the tree. */
interface Reading {
  serverRss: number;
  serverHwm: number;
  treeRss: number;
  treePss: number;
  processes: number;
}

async function read(root: number): Promise<Reading> {
  const memories = (await Promise.all((await processTree(root)).map(processMemory))).filter((memory) => memory !== undefined);
  const server = memories.reduce((largest, memory) => (memory.rss > largest.rss ? memory : largest));
  return {
    serverRss: server.rss,
    serverHwm: server.hwm,
    treeRss: memories.reduce((sum, memory) => sum + memory.rss, 0),
    treePss: memories.reduce((sum, memory) => sum + memory.pss, 0),
    processes: memories.length,
  };
}

/** Starts the demo on `dataDir`, reads its memory at each of `times`, stops it. */
async function measure(dataDir: string): Promise<{ toUrlMs: number; readings: Reading[] }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...values['node-arg'], CLI_BIN, 'start', '--demo', '--port', '0', '--data', dataDir, '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/^\{.*"url"/m.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code} before its URL:\n${output}`)));
  });
  const toUrlMs = performance.now() - started;
  const readings: Reading[] = [];
  for (const second of times) {
    await sleep(Math.max(0, started + toUrlMs + second * 1000 - performance.now()));
    readings.push(await read(child.pid as number));
  }
  child.kill('SIGTERM');
  await exited;
  return { toUrlMs, readings };
}

const results: Record<'first' | 'restart', Array<{ toUrlMs: number; readings: Reading[] }>> = { first: [], restart: [] };
for (let run = 1; run <= runs; run++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokobapak-demo-rss-'));
  try {
    for (const kind of values['no-restart'] ? (['first'] as const) : (['first', 'restart'] as const)) {
      const result = await measure(dataDir);
      results[kind].push(result);
      const last = result.readings.map((reading) => reading.serverRss.toFixed(0)).join(' / ');
      console.error(`run ${run} ${kind}: URL after ${(result.toUrlMs / 1000).toFixed(1)} s; server RSS ${last} MiB at ${values.at} s`);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const spread = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
  return `${sorted[0]?.toFixed(0)} / ${median?.toFixed(0)} / ${sorted.at(-1)?.toFixed(0)}`;
};

console.log(`\ndemo RSS, MiB, min / median / max over ${runs} run(s); env ${values.env.join(' ') || '(as given)'}`);
console.log('| start | after URL | server RSS | server peak (VmHWM) | all processes RSS | all processes PSS | processes | URL after (s) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const kind of ['first', 'restart'] as const) {
  const list = results[kind];
  if (list.length === 0) continue;
  times.forEach((second, index) => {
    const at = list.map((result) => result.readings[index] as Reading);
    console.log(
      `| ${kind} | ${second} s | ${spread(at.map((r) => r.serverRss))} | ${spread(at.map((r) => r.serverHwm))} | ${spread(at.map((r) => r.treeRss))} | ${spread(at.map((r) => r.treePss))} | ${Math.max(...at.map((r) => r.processes))} | ${spread(list.map((r) => r.toUrlMs / 1000))} |`,
    );
  });
}
