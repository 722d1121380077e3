import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, definePlugin, type ScheduledJob, type TokoBapakServer } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';

// Scheduled jobs through what a plugin uses (`jobs` in its definition), on a manual clock: runs
// happen when the clock says so and the test calls `server.jobs.tick()`, not when time passes.
// The real-process test (three servers, one killed) is `jobs-processes.test.ts`.

let now = new Date('2026-12-01T10:00:00.000Z');
const clock = { now: () => now };
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

const runs: string[] = [];
let failNext = false;
const jobs: Array<ScheduledJob<unknown>> = [
  {
    name: 'sweep',
    intervalMs: 60_000,
    async run(ctx) {
      runs.push(`${ctx.clock.now().toISOString()}`);
      if (failNext) {
        failNext = false;
        throw new Error('the sweep fell over');
      }
    },
  },
];
const sweeperPlugin = () =>
  definePlugin({
    name: 'sweeper',
    summary: 'a job under test',
    spec: { openapi: '3.1.0', info: { title: 'sweeper', version: '1' }, paths: {} },
    handlers: {},
    migrations: {},
    jobs,
  });

let server: TestServer;
const others: TokoBapakServer[] = [];
beforeAll(async () => {
  server = await createTestServer({ plugins: [sweeperPlugin()], clock });
  await server.jobs.tick();
});
afterAll(async () => {
  for (const other of others) await other.close();
  await server?.close();
});

describe('scheduled jobs', () => {
  test('a job runs when the server starts, then once per interval by the clock', async () => {
    expect(runs).toEqual(['2026-12-01T10:00:00.000Z']);
    await server.jobs.tick();
    advance(59_000);
    await server.jobs.tick();
    expect(runs).toHaveLength(1);
    advance(1_000);
    await server.jobs.tick();
    await server.jobs.tick();
    expect(runs).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-01T10:01:00.000Z']);
  });

  test('after a gap it runs once, not once per missed interval', async () => {
    advance(10 * 60_000);
    await server.jobs.tick();
    await server.jobs.tick();
    expect(runs.slice(2)).toEqual(['2026-12-01T10:11:00.000Z']);
  });

  test('a failing run is counted in /metrics, and the next interval runs again', async () => {
    failNext = true;
    advance(60_000);
    await server.jobs.tick();
    advance(60_000);
    await server.jobs.tick();
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('tokobapak_job_runs_total{job="sweeper.sweep",outcome="failure"} 1');
    expect(metrics).toMatch(/tokobapak_job_runs_total\{job="sweeper\.sweep",outcome="success"\} [1-9]/);
    expect(metrics).toContain('tokobapak_job_duration_seconds_count{job="sweeper.sweep"}');
    expect(runs).toHaveLength(5);
  });

  test('servers sharing the database run it once per interval between them, and a silent holder is replaced', async () => {
    for (let i = 0; i < 2; i++) others.push(await createServer({ plugins: [sweeperPlugin()], openDatabase: server.database, clock, logLevel: false }));
    const all = [server, ...others];
    const before = runs.length;
    advance(60_000);
    await Promise.all(all.map((each) => each.jobs.tick()));
    await Promise.all(all.map((each) => each.jobs.tick()));
    expect(runs.length - before).toBe(1);

    // The first server holds the lease. It goes silent (as a crashed one would): once its lease has
    // run out, exactly one of the others takes the job over.
    advance(60_000);
    await Promise.all(others.map((each) => each.jobs.tick()));
    await Promise.all(others.map((each) => each.jobs.tick()));
    expect(runs.length - before).toBe(2);

    // Closed servers hand their leases back; the first server runs it again.
    for (const other of others.splice(0)) await other.close();
    advance(60_000);
    await server.jobs.tick();
    expect(runs.length - before).toBe(3);
  });
});
