import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

/** CPU use over an interval, in cores busy (1 = one core all the time); NaN where unavailable. */
export interface CpuUsage {
  /** The server process (event loop, GC, thread pool). */
  server: number;
  /** The part of `server` spent in the kernel on the server's behalf (socket writes to PostgreSQL and clients, wakeups). */
  serverKernel: number;
  /** This process: autocannon. */
  loadGenerator: number;
  /** Every `postgres` process on the machine (the bench database's backends, WAL writer, …). */
  postgres: number;
  /** The whole machine, of `cores`: the above plus anything else running. */
  machine: number;
  cores: number;
}

interface Snapshot {
  at: number;
  server: number | undefined;
  serverKernel: number | undefined;
  loadGenerator: number;
  postgres: number | undefined;
  busy: number | undefined;
  total: number | undefined;
}

// Linux reports /proc times in clock ticks of 1/100 s (USER_HZ) on every mainstream architecture.
const TICKS_PER_SECOND = 100;

/** Reads the counters {@link cpuUsageSince} compares. */
export async function cpuSnapshot(pid: number): Promise<Snapshot> {
  const [server, postgres, machine] = await Promise.all([readProcessTicks(pid), readPostgresTicks(), readMachineTicks()]);
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    server: server?.total,
    serverKernel: server?.kernel,
    loadGenerator: (own.user + own.system) / 1e6,
    postgres,
    busy: machine?.busy,
    total: machine?.total,
  };
}

/** CPU use between an earlier snapshot and now. */
export async function cpuUsageSince(before: Snapshot, pid: number): Promise<CpuUsage> {
  const after = await cpuSnapshot(pid);
  const seconds = (after.at - before.at) / 1000;
  const cores = availableParallelism();
  const ticks = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? Number.NaN : (b - a) / TICKS_PER_SECOND / seconds);
  const machine =
    before.busy !== undefined && after.busy !== undefined && before.total !== undefined && after.total !== undefined
      ? ((after.busy - before.busy) / (after.total - before.total)) * cores
      : Number.NaN;
  return {
    server: ticks(before.server, after.server),
    serverKernel: ticks(before.serverKernel, after.serverKernel),
    loadGenerator: (after.loadGenerator - before.loadGenerator) / seconds,
    postgres: ticks(before.postgres, after.postgres),
    machine,
    cores,
  };
}

async function readProcessTicks(pid: number): Promise<{ total: number; kernel: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { total: Number(fields[11]) + Number(fields[12]), kernel: Number(fields[12]) };
  } catch {
    return undefined;
  }
}

async function readPostgresTicks(): Promise<number | undefined> {
  try {
    let total = 0;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, plus cutime and cstime (fields 16 and 17): a backend that exits (a pooled
      // connection closed) hands its CPU time to the postmaster's children's counters, so the sum
      // never falls when one goes.
      total += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
    return total;
  } catch {
    return undefined;
  }
}

async function readMachineTicks(): Promise<{ busy: number; total: number } | undefined> {
  try {
    const stat = await readFile('/proc/stat', 'utf8');
    const values = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Share of the machine's CPU time that was busy over the next `ms` milliseconds (NaN without procfs). */
export async function machineBusyPercent(ms: number): Promise<number> {
  const before = await readMachineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await readMachineTicks();
  if (!before || !after || after.total === before.total) return Number.NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * 100;
}

/**
 * Waits, up to `maxSeconds`, for a second in which the machine is at most `thresholdPercent` busy,
 * since other work on a shared machine skews every figure. Returns the busy share last seen, which
 * the report shows beside the figures.
 */
export async function waitForQuietMachine(maxSeconds: number, thresholdPercent = 15): Promise<number> {
  const deadline = performance.now() + maxSeconds * 1000;
  for (;;) {
    const busy = await machineBusyPercent(1_000);
    if (Number.isNaN(busy) || busy <= thresholdPercent || performance.now() >= deadline) return busy;
  }
}
