import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase } from '../src/testing/index.js';

// Three real server processes on one PostgreSQL database with a one-second job: it runs about once
// a second in total, not three times; killing the process that holds it (SIGKILL: no clean-up, no
// lease handed back) moves it to another within the lease. PGlite is one process by design, so
// there is nothing to coordinate: this runs only when DATABASE_URL is set.

const FIXTURE = fileURLToPath(new URL('./fixtures/job-server.ts', import.meta.url));
const WINDOW_MS = 10_000;

const onPostgres = Boolean(process.env.DATABASE_URL);
let database: Awaited<ReturnType<typeof openTestDatabase>>;
const children: ChildProcess[] = [];

function start(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', FIXTURE], {
    env: { ...process.env, JOB_TEST_DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('{"url"')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => reject(new Error(`a server exited (${signal ?? code}) before listening:\n${output}`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (!onPostgres) return;
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.close();
});

describe.skipIf(!onPostgres)('a scheduled job across three server processes (PostgreSQL only: PGlite is one process)', () => {
  test('runs about once a second in total, and a killed holder is replaced', async () => {
    const url = database.url as string;
    const servers = await Promise.all([start(url), start(url), start(url)]);
    const ticks = async (from: Date) =>
      (await sql<{ pid: number; at: Date }>`select pid, at from ticker.ticks where at >= ${from} order by at`.execute(database.db)).rows;

    const windowStart = new Date();
    await sleep(WINDOW_MS);
    const counted = await ticks(windowStart);
    // About ten: one per second, give or take the edges of the window and a busy machine; three
    // servers each running it would make about thirty.
    expect(counted.length).toBeGreaterThanOrEqual(8);
    expect(counted.length).toBeLessThanOrEqual(12);

    const holder = await sql<{ holder: string }>`select holder from tokobapak.scheduled_jobs where name = 'ticker.tick'`.execute(database.db);
    const holderPid = Number(holder.rows[0]?.holder.split('/')[1]);
    const killed = servers.find((child) => child.pid === holderPid);
    expect(killed).toBeDefined();
    killed?.kill('SIGKILL');
    const killedAt = new Date();

    // Within the 2-second lease plus a check or two, another process runs it.
    let after: Array<{ pid: number }> = [];
    for (let waited = 0; waited < 8_000 && after.length < 2; waited += 250) {
      await sleep(250);
      after = await ticks(new Date(killedAt.getTime() + 100));
    }
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((tick) => tick.pid !== holderPid)).toBe(true);
  });
});
