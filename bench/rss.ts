import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Resident set size of a process in KiB: `VmRSS` from `/proc/<pid>/status`, or `ps -o rss=` where there is no procfs. */
export async function readRssKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match?.[1]) return Number(match[1]);
  } catch {
    // no procfs (macOS) or the process is gone: try ps
  }
  try {
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
    const kib = Number(stdout.trim());
    return Number.isFinite(kib) && kib > 0 ? kib : undefined;
  } catch {
    return undefined;
  }
}

/** What an {@link RssSampler} saw. */
export interface RssSummary {
  samples: number;
  maxMiB: number;
  meanMiB: number;
  lastMiB: number;
}

/** A running RSS sampler; `stop` ends it and summarises. */
export interface RssSampler {
  stop(): Promise<RssSummary>;
}

/** Samples a process's RSS every `intervalMs` until stopped. */
export function sampleRss(pid: number, intervalMs = 250): RssSampler {
  const values: number[] = [];
  let pending: Promise<void> = Promise.resolve();
  const take = () => {
    pending = readRssKiB(pid).then((kib) => {
      if (kib !== undefined) values.push(kib);
    });
  };
  const summarise = async (): Promise<RssSummary> => {
    clearInterval(timer);
    await pending;
    take();
    await pending;
    const mib = values.map((kib) => kib / 1024);
    return {
      samples: mib.length,
      maxMiB: mib.length ? Math.max(...mib) : Number.NaN,
      meanMiB: mib.length ? mib.reduce((sum, value) => sum + value, 0) / mib.length : Number.NaN,
      lastMiB: mib.at(-1) ?? Number.NaN,
    };
  };
  take();
  const timer = setInterval(take, intervalMs);
  let summary: Promise<RssSummary> | undefined;
  return {
    stop() {
      summary ??= summarise();
      return summary;
    },
  };
}
