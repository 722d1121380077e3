import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

// PGlite's memory, measured in a process of its own as a store meets it: the first open of a new
// data folder and a reopen. Before: initdb ran in-process (a second PostgreSQL and the initdb
// program at once), peaking near 770 MiB and idling at ~710 after the first open, ~300 after a
// reopen with PostgreSQL's 128 MB shared_buffers. Bounds leave room for noise.

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const SNAPSHOT = fileURLToPath(new URL('../dist/pglite-cluster.tar.gz', import.meta.url));
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

interface Measured {
  peakMiB: number;
  idleMiB: number;
  /** Resident size of the main malloc heap (Linux's `[heap]` mapping), or null elsewhere. */
  mallocHeapMiB: number | null;
  sharedBuffers: string;
  rows: number;
}

// Opens the database with the built package, writes a row, and reports RSS (peak and after a GC).
const PROGRAM = `
const { openDatabase } = await import(process.argv[1]);
const mib = () => Math.round(process.memoryUsage().rss / 1048576);
let peakMiB = 0;
const timer = setInterval(() => { peakMiB = Math.max(peakMiB, mib()); }, 10);
const database = await openDatabase({ dataDir: process.argv[2] });
const { rows: [setting] } = await database.pglite.query('show shared_buffers');
await database.pglite.exec('create table if not exists visits (at timestamptz default now()); insert into visits default values');
const { rows: [count] } = await database.pglite.query('select count(*)::int as rows from visits');
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 200));
clearInterval(timer);
const idleMiB = mib();
const { existsSync, readFileSync } = await import('node:fs');
const smaps = existsSync('/proc/self/smaps') ? readFileSync('/proc/self/smaps', 'utf8') : '';
const heapRss = smaps.slice(smaps.indexOf('[heap]')).match(/Rss:\\s+(\\d+) kB/);
const mallocHeapMiB = smaps.includes('[heap]') && heapRss ? Math.round(Number(heapRss[1]) / 1024) : null;
await database.close();
console.log(JSON.stringify({ peakMiB: Math.max(peakMiB, idleMiB), idleMiB, mallocHeapMiB, sharedBuffers: setting.shared_buffers, rows: count.rows }));
`;

function measure(dataDir: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', PROGRAM, DIST, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '') as Measured) : reject(new Error(output))));
  });
}

describe.skipIf(!existsSync(DIST))('PGlite memory (needs packages/server/dist; run pnpm build)', () => {
  test('the build ships an empty cluster; a new data folder starts from it, and both opens stay lean', async () => {
    expect(existsSync(SNAPSHOT)).toBe(true);
    const folder = await mkdtemp(join(tmpdir(), 'tokobapak-pglite-memory-'));
    folders.push(folder);
    const dataDir = join(folder, 'data');

    const first = await measure(dataDir);
    expect(first).toMatchObject({ sharedBuffers: '16MB', rows: 1 });
    expect(first.peakMiB).toBeLessThan(400);
    expect(first.idleMiB).toBeLessThan(300);
    // The snapshot is unpacked by a child process: unpacked here, its buffers left about 43 MiB of
    // this process's malloc heap resident for good (15 MiB since; a reopen holds about 10).
    if (first.mallocHeapMiB !== null) expect(first.mallocHeapMiB).toBeLessThan(30);

    const again = await measure(dataDir);
    expect(again).toMatchObject({ sharedBuffers: '16MB', rows: 2 });
    expect(again.peakMiB).toBeLessThan(300);
    expect(again.idleMiB).toBeLessThan(250);
  }, 120_000);
});
