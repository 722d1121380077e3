/**
 * What a bench server's resident memory is made of, for telling a leak from V8 or malloc sizing
 * themselves: with `--heap-file`, the server appends one JSON line a second (its RSS, V8's heap
 * used and reserved, the young generation's reserved size, external and array-buffer memory);
 * with `--heap-snapshots <dir>`, each SIGHUP writes a heap snapshot there (the harness sends one
 * when its measured window opens and one when it closes, so the two can be compared in DevTools).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

/** One line of the heap file; sizes in bytes, `at` in ms since the epoch. */
export interface HeapSample {
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** The young generation's reserved size (`new_space`): what `--max-semi-space-size` bounds. */
  newSpace: number;
  external: number;
  arrayBuffers: number;
  /** Garbage collections so far, and the ms they paused the process: scavenges of the young generation, and full (mark-compact) ones. */
  scavenges: number;
  scavengeMs: number;
  fullGcs: number;
  fullGcMs: number;
}

/** Starts appending a {@link HeapSample} to `file` every `intervalMs`. */
export function sampleHeap(file: string, intervalMs = 1_000): void {
  const gc = { scavenges: 0, scavengeMs: 0, fullGcs: 0, fullGcMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.scavenges += 1;
        gc.scavengeMs += entry.duration;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.fullGcs += 1;
        gc.fullGcMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const take = () => {
    const usage = process.memoryUsage();
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? Number.NaN;
    const sample: HeapSample = {
      at: Date.now(),
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      newSpace,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      ...gc,
    };
    appendFileSync(file, `${JSON.stringify(sample)}\n`);
  };
  take();
  setInterval(take, intervalMs).unref();
}

/** Writes a heap snapshot into `dir` on every SIGHUP, numbered in order. */
export function snapshotHeapOnSignal(dir: string): void {
  let taken = 0;
  process.on('SIGHUP', () => {
    taken += 1;
    const path = writeHeapSnapshot(join(dir, `server-${process.pid}-${taken}.heapsnapshot`));
    process.stderr.write(`heap snapshot ${path}\n`);
  });
}
