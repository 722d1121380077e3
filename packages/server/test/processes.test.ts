import { TokoBapakError } from '@tokobapak/sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineErrors } from '../src/errors.js';
import { createServer, definePlugin, defineProcess, type PluginContext, type ProcessDefinition, type TokoBapakServer } from '../src/index.js';
import { createTestServer, type TestServer, waitUntil } from '../src/testing/index.js';

// Durable processes through what a plugin uses: `processes` in its definition and `ctx.processes`.
// The same file runs on PGlite and, with DATABASE_URL, on PostgreSQL.

const errors = defineErrors({ SHOP_SOLD_OUT: { status: 409, title: 'Sold out' } });

let now = new Date('2026-12-01T10:00:00.000Z');
const clock = { now: () => now };
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

/** What the steps did, in order. */
const log: string[] = [];
const gates = new Map<string, () => void>();
const gate = (name: string) => new Promise<void>((resolve) => gates.set(name, resolve));

const step = (id: string, behaviour: { fail?: unknown; compensateFails?: number; wait?: boolean } = {}) => {
  let compensationFailures = behaviour.compensateFails ?? 0;
  return {
    id,
    async action(ctx: { key: string; resumed: boolean }) {
      log.push(`${ctx.key}:${id}${ctx.resumed ? ' (resumed)' : ''}`);
      if (behaviour.wait) await gate(`${ctx.key}:${id}`);
      if (behaviour.fail) throw behaviour.fail;
      return { did: id };
    },
    async compensate(ctx: { key: string }, output: { did: string } | undefined) {
      if (!output) return;
      if (compensationFailures > 0) {
        compensationFailures -= 1;
        throw new Error(`cannot undo ${id} yet`);
      }
      log.push(`${ctx.key}:undo ${output.did}`);
    },
  };
};

const failing = defineProcess<unknown, { n: number }>({
  name: 'failing',
  steps: [step('a'), step('b'), step('c', { fail: errors.SHOP_SOLD_OUT() })],
});
const uncertain = defineProcess<unknown, null>({
  name: 'uncertain',
  steps: [
    step('a'),
    {
      ...step('call', { fail: new Error('socket hang up') }),
      uncertain: (ctx) => ({ did: `call for ${ctx.key}` }),
    },
  ],
});
// Another service answered "a call with this idempotency key is still running": not a refusal, since
// that call may still do the work, so the step is undone from what it declared, like a timeout.
const notNow = defineProcess<unknown, null>({
  name: 'not-now',
  steps: [
    step('a'),
    {
      ...step('call', {
        fail: new TokoBapakError('inventory.reserveStock', { type: 'about:blank', title: 'In progress', status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' }),
      }),
      uncertain: (ctx) => ({ did: `call for ${ctx.key}` }),
    },
  ],
});
const slow = defineProcess<unknown, null>({ name: 'slow', steps: [step('a', { wait: true }), step('b')] });
const deadline = defineProcess<unknown, null>({ name: 'deadline', deadlineMs: 60_000, steps: [step('a'), step('b', { wait: true }), step('c')] });
const stubborn = defineProcess<unknown, null>({ name: 'stubborn', steps: [step('a', { compensateFails: 1 }), step('b', { fail: new Error('boom') })] });
const takeover = defineProcess<unknown, null>({ name: 'takeover', steps: [step('a'), step('b', { wait: true }), step('c')] });
const frugal = defineProcess<unknown, null>({
  name: 'frugal',
  steps: [
    { ...step('a'), repeatable: true },
    { ...step('b', { wait: true }), uncertain: () => ({ did: 'maybe b' }) },
    { ...step('c'), repeatable: true },
    {
      id: 'd',
      local: true,
      async action(ctx) {
        await ctx.transaction(async () => {
          log.push(`${ctx.key}:d`);
        });
      },
    },
  ],
});

// Three calls of uncertain outcome, undone after a crash: b's and c's `started` records are written
// ahead, with a's, so a and b return without a write after them. c's `uncertain` reads a result and
// so is written when c is reached; e, after a step that resumes, is too.
const ahead = (options: { failAt?: string } = {}) =>
  defineProcess<unknown, null>({
    name: options.failAt ? `ahead-failing-${options.failAt}` : 'ahead',
    recovery: 'compensate',
    steps: [
      { ...step('a', { wait: true, fail: options.failAt === 'a' ? errors.SHOP_SOLD_OUT() : undefined }), uncertain: () => ({ did: 'maybe a' }) },
      { ...step('b', { wait: true, fail: options.failAt === 'b' ? errors.SHOP_SOLD_OUT() : undefined }), uncertain: () => ({ did: 'maybe b' }) },
      { ...step('c'), uncertain: (ctx) => ({ did: `maybe c after ${(ctx.results.b as { did: string }).did}` }) },
      { ...step('d', { wait: true }), recovery: 'resume' },
      { ...step('e'), uncertain: () => ({ did: 'maybe e' }) },
    ],
  });
const aheadProcess = ahead();
const aheadFailingA = ahead({ failAt: 'a' });
const aheadFailingB = ahead({ failAt: 'b' });

// b and c are independent calls: they run at once, and their outcomes are written with d's.
const together = defineProcess<unknown, null>({
  name: 'together',
  steps: [
    { ...step('a'), repeatable: true },
    { ...step('b', { wait: true }), repeatable: true, concurrent: true },
    { ...step('c', { wait: true }), repeatable: true, concurrent: true },
    { ...step('d'), repeatable: true },
  ],
});
const togetherFailing = defineProcess<unknown, null>({
  name: 'together-failing',
  steps: [
    { ...step('a'), repeatable: true },
    { ...step('b', { wait: true }), repeatable: true, concurrent: true },
    { ...step('c', { fail: errors.SHOP_SOLD_OUT() }), repeatable: true, concurrent: true },
    step('d'),
  ],
});

// A local step whose transaction writes a mark, then waits: a server that stalls there past its
// lease must find its transaction refused at the commit, its mark gone.
const localTakeover = defineProcess<unknown, null>({
  name: 'local-takeover',
  steps: [
    step('a'),
    {
      id: 'b',
      local: true,
      async action(ctx) {
        log.push(`${ctx.key}:b${ctx.resumed ? ' (resumed)' : ''}`);
        await ctx.transaction(async (tx) => {
          await sql`insert into local_marks (key, run) values (${ctx.key}, ${ctx.resumed ? 'resumed' : 'first'})`.execute(tx.db);
          await gate(`${ctx.key}:b${ctx.resumed ? ' (resumed)' : ''}`);
        });
      },
    },
  ],
});

// A step, then a local step that waits before its transaction (on PGlite, the one connection stays
// free to read the stored state). When `a` declares `uncertain`, its `started` record is stored
// before it acts, so its outcome goes with b's transaction instead of a write of its own.
const handOff = (name: string, a: { uncertain: boolean; recovery?: 'resume' | 'compensate'; refuse?: boolean }) =>
  defineProcess<unknown, null>({
    name,
    steps: [
      { ...step('a'), ...(a.uncertain ? { uncertain: () => ({ did: 'maybe a' }) } : {}), ...(a.recovery ? { recovery: a.recovery } : {}) },
      {
        id: 'b',
        local: true,
        recovery: 'resume',
        async action(ctx) {
          log.push(`${ctx.key}:b${ctx.resumed ? ' (resumed)' : ''}`);
          if (!ctx.resumed) await gate(`${ctx.key}:b`);
          await ctx.transaction(async () => {
            if (a.refuse) throw errors.SHOP_SOLD_OUT();
          });
        },
      },
    ],
  });
const handOffUndone = handOff('hand-off-undone', { uncertain: true, recovery: 'compensate' });
const handOffRerun = handOff('hand-off-rerun', { uncertain: true, recovery: 'resume' });
const handOffPlain = handOff('hand-off-plain', { uncertain: false });
const handOffRefused = handOff('hand-off-refused', { uncertain: true, recovery: 'compensate', refuse: true });

let context: PluginContext<unknown>;
const shopPlugin = () =>
  definePlugin({
    name: 'shop',
    summary: 'processes under test',
    spec: { openapi: '3.1.0', info: { title: 'shop', version: '1' }, paths: {} },
    handlers: {},
    migrations: {},
    processes: [
      failing,
      uncertain,
      notNow,
      slow,
      deadline,
      stubborn,
      takeover,
      frugal,
      together,
      togetherFailing,
      aheadProcess,
      aheadFailingA,
      aheadFailingB,
      localTakeover,
      handOffUndone,
      handOffRerun,
      handOffPlain,
      handOffRefused,
    ] as Array<ProcessDefinition<unknown, never, never>>,
    async onStart(ctx) {
      context = ctx;
    },
  });

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ plugins: [shopPlugin()], clock, processRecoveryIntervalMs: 3_600_000 });
});
afterAll(async () => {
  for (const open of gates.values()) open();
  await server?.close();
});

const stepsOf = (key: string) => log.filter((entry) => entry.startsWith(`${key}:`)).map((entry) => entry.slice(key.length + 1));

describe('durable processes', () => {
  test('a failing step runs the compensations of the completed steps in reverse, and the state says why', async () => {
    const run = await context.processes.start(failing, { key: 'order-1', input: { n: 1 } });
    expect(stepsOf('order-1')).toEqual(['a', 'b', 'c', 'undo b', 'undo a']);
    expect(run).toMatchObject({
      started: true,
      status: 'compensated',
      error: { step: 'c', code: 'SHOP_SOLD_OUT', status: 409 },
      steps: [
        { id: 'a', status: 'done', output: { did: 'a' }, compensation: { status: 'done', attempts: 1 } },
        { id: 'b', status: 'done', output: { did: 'b' }, compensation: { status: 'done', attempts: 1 } },
        { id: 'c', status: 'failed', error: 'Sold out' },
      ],
    });
    expect(run.cause).toMatchObject({ code: 'SHOP_SOLD_OUT' });
    expect(run.finishedAt).toEqual(now);

    const read = await context.processes.get('order-1');
    expect(read).toEqual(await context.processes.get(run.id));
    expect(read).toMatchObject({ id: run.id, plugin: 'shop', name: 'failing', key: 'order-1', status: 'compensated', input: { n: 1 } });
    expect(await context.processes.get('order-unknown')).toBeUndefined();
  });

  test('starting a process inside a transaction fails at once, and nothing is stored', async () => {
    await expect(context.transaction(() => context.processes.start(failing, { key: 'in-tx', input: { n: 2 } }))).rejects.toMatchObject({
      code: 'SERVICE_CALL_IN_TRANSACTION',
    });
    expect(await context.processes.get('in-tx')).toBeUndefined();
  });

  test('a step that fails without a refusal is compensated from what it declared before acting', async () => {
    const run = await context.processes.start(uncertain, { key: 'call-1', input: null });
    expect(stepsOf('call-1')).toEqual(['a', 'call', 'undo call for call-1', 'undo a']);
    expect(run.status).toBe('compensated');
  });

  test('a "not now" answer (a call with the same key still running) is no refusal: the step is undone as if it timed out', async () => {
    const run = await context.processes.start(notNow, { key: 'not-now-1', input: null });
    expect(stepsOf('not-now-1')).toEqual(['a', 'call', 'undo call for not-now-1', 'undo a']);
    expect(run.status).toBe('compensated');
  });

  test('the same key started 20 times at once: exactly one caller runs it to its end', async () => {
    const pending = Array.from({ length: 20 }, () => context.processes.start(slow, { key: 'twenty-2', input: null }));
    await waitUntil(() => gates.has('twenty-2:a'));
    gates.get('twenty-2:a')?.();
    const runs = await Promise.all(pending);
    expect(runs.filter((run) => run.started).map((run) => run.status)).toEqual(['succeeded']);
    expect(new Set(runs.map((run) => run.id)).size).toBe(1);
    expect(stepsOf('twenty-2')).toEqual(['a', 'b']);
    const again = await context.processes.start(slow, { key: 'twenty-2', input: null });
    expect(again).toMatchObject({ started: false, status: 'succeeded', id: runs[0]?.id });
  });

  test('past its deadline a process compensates instead of taking its next step', async () => {
    const pending = context.processes.start(deadline, { key: 'late', input: null });
    await waitUntil(() => gates.has('late:b'));
    advance(61_000);
    gates.get('late:b')?.();
    const run = await pending;
    expect(stepsOf('late')).toEqual(['a', 'b', 'undo b', 'undo a']);
    expect(run).toMatchObject({ status: 'compensated', error: { step: 'c', message: 'the deadline passed' } });
  });

  test('a compensation that fails is recorded and retried until it succeeds', async () => {
    const run = await context.processes.start(stubborn, { key: 'stubborn', input: null });
    expect(run).toMatchObject({
      status: 'compensating',
      steps: [{ id: 'a', compensation: { status: 'failed', attempts: 1, error: 'cannot undo a yet' } }, { id: 'b' }],
    });
    // Not before its retry is due…
    expect(await server.processes.recover()).toBe(0);
    advance(2_000);
    expect(await server.processes.recover()).toBe(1);
    expect(await context.processes.get('stubborn')).toMatchObject({
      status: 'compensated',
      steps: [{ id: 'a', compensation: { status: 'done', attempts: 2 } }, { id: 'b' }],
    });
    expect(stepsOf('stubborn')).toEqual(['a', 'b', 'undo a']);
  });
});

test('a repeatable step is stored with the next write, and a local step in its own transaction, with the success', async () => {
  const pending = context.processes.start(frugal, { key: 'frugal', input: null });
  await waitUntil(() => gates.has('frugal:b'));
  // Written before b acted, for its uncertain outcome: a's record came along.
  expect((await context.processes.get('frugal'))?.steps).toEqual([
    { id: 'a', status: 'done', output: { did: 'a' } },
    { id: 'b', status: 'started', uncertain: { did: 'maybe b' } },
  ]);
  gates.get('frugal:b')?.();
  const run = await pending;
  expect(stepsOf('frugal')).toEqual(['a', 'b', 'c', 'd']);
  const stored = await context.processes.get('frugal');
  expect(stored).toMatchObject({ status: 'succeeded', finishedAt: now });
  expect(stored?.steps.map((record) => [record.id, record.status])).toEqual([
    ['a', 'done'],
    ['b', 'done'],
    ['c', 'done'],
    ['d', 'done'],
  ]);
  expect(run).toMatchObject({ status: 'succeeded', steps: stored?.steps });
});

test("a step whose started record is stored has its outcome written in the next local step's transaction, not on its own", async () => {
  const pending = context.processes.start(handOffUndone, { key: 'hand-off', input: null });
  await waitUntil(() => gates.has('hand-off:b'));
  const beforeB = (await context.processes.get('hand-off'))?.steps;
  gates.get('hand-off:b')?.();
  expect(await pending).toMatchObject({ status: 'succeeded' });
  // a returned, and nothing was written since its `started` record (inserted with the process).
  expect(beforeB).toEqual([{ id: 'a', status: 'started', uncertain: { did: 'maybe a' } }]);
  expect((await context.processes.get('hand-off'))?.steps).toEqual([
    { id: 'a', status: 'done', output: { did: 'a' } },
    { id: 'b', status: 'done' },
  ]);

  // Without `uncertain` nothing of a was stored before it acted: its outcome is written as it returns.
  const plain = context.processes.start(handOffPlain, { key: 'hand-off-plain', input: null });
  await waitUntil(() => gates.has('hand-off-plain:b'));
  const beforePlainB = (await context.processes.get('hand-off-plain'))?.steps;
  gates.get('hand-off-plain:b')?.();
  expect(await plain).toMatchObject({ status: 'succeeded' });
  expect(beforePlainB).toEqual([{ id: 'a', status: 'done', output: { did: 'a' } }]);
});

test("a local step's transaction refused: the step before it, never written as done, is undone from what it returned", async () => {
  const pending = context.processes.start(handOffRefused, { key: 'hand-off-refused', input: null });
  await waitUntil(() => gates.has('hand-off-refused:b'));
  gates.get('hand-off-refused:b')?.();
  expect(await pending).toMatchObject({ status: 'compensated', error: { step: 'b', code: 'SHOP_SOLD_OUT' } });
  expect(stepsOf('hand-off-refused')).toEqual(['a', 'b', 'undo a']);
  expect((await context.processes.get('hand-off-refused'))?.steps).toEqual([
    { id: 'a', status: 'done', output: { did: 'a' }, compensation: { status: 'done', attempts: 1 } },
    { id: 'b', status: 'failed', error: 'Sold out' },
  ]);
});

test('steps undone after a crash are announced together: one write before the first of them, none between them', async () => {
  const pending = context.processes.start(aheadProcess, { key: 'ahead', input: null });
  await waitUntil(() => gates.has('ahead:a'));
  // Inserted with a's record and b's, announced; c's `uncertain` reads b's result, so it waits for c.
  const announced = [
    { id: 'a', status: 'started', uncertain: { did: 'maybe a' } },
    { id: 'b', status: 'started', uncertain: { did: 'maybe b' } },
  ];
  expect((await context.processes.get('ahead'))?.steps).toEqual(announced);
  gates.get('ahead:a')?.();
  await waitUntil(() => gates.has('ahead:b'));
  // a returned and nothing was written: b's record was there already.
  expect((await context.processes.get('ahead'))?.steps).toEqual(announced);
  gates.get('ahead:b')?.();
  await waitUntil(() => gates.has('ahead:d'));
  expect((await context.processes.get('ahead'))?.steps).toEqual([
    { id: 'a', status: 'done', output: { did: 'a' } },
    { id: 'b', status: 'done', output: { did: 'b' } },
    { id: 'c', status: 'done', output: { did: 'c' } },
  ]);
  gates.get('ahead:d')?.();
  const run = await pending;
  expect(stepsOf('ahead')).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(run.status).toBe('succeeded');
  expect((await context.processes.get('ahead'))?.steps.map((record) => [record.id, record.status])).toEqual(
    ['a', 'b', 'c', 'd', 'e'].map((id) => [id, 'done']),
  );
});

test('a step that fails leaves no record of the steps announced after it, and the steps before it are undone from their outcomes', async () => {
  const failingA = context.processes.start(aheadFailingA, { key: 'ahead-fail-a', input: null });
  await waitUntil(() => gates.has('ahead-fail-a:a'));
  gates.get('ahead-fail-a:a')?.();
  expect(await failingA).toMatchObject({ status: 'compensated', error: { step: 'a', code: 'SHOP_SOLD_OUT' }, steps: [{ id: 'a', status: 'failed' }] });
  expect((await context.processes.get('ahead-fail-a'))?.steps).toHaveLength(1);
  // b never ran: its announced record is gone, so nothing undoes it.
  expect(stepsOf('ahead-fail-a')).toEqual(['a']);

  const failingB = context.processes.start(aheadFailingB, { key: 'ahead-fail-b', input: null });
  await waitUntil(() => gates.has('ahead-fail-b:a'));
  gates.get('ahead-fail-b:a')?.();
  await waitUntil(() => gates.has('ahead-fail-b:b'));
  gates.get('ahead-fail-b:b')?.();
  expect(await failingB).toMatchObject({ status: 'compensated', error: { step: 'b' } });
  // a's outcome was never written on its own, yet it is undone from what it returned.
  expect(stepsOf('ahead-fail-b')).toEqual(['a', 'b', 'undo a']);
});

test('concurrent steps run at once, and their outcomes are stored with the next write', async () => {
  const pending = context.processes.start(together, { key: 'together', input: null });
  // Both are under way before either has returned.
  await waitUntil(() => gates.has('together:b') && gates.has('together:c'));
  expect((await context.processes.get('together'))?.steps).toEqual([]);
  gates.get('together:c')?.();
  gates.get('together:b')?.();
  const run = await pending;
  expect(stepsOf('together')).toEqual(['a', 'b', 'c', 'd']);
  const stored = await context.processes.get('together');
  expect(stored).toMatchObject({ status: 'succeeded' });
  expect(stored?.steps).toEqual([
    { id: 'a', status: 'done', output: { did: 'a' } },
    { id: 'b', status: 'done', output: { did: 'b' } },
    { id: 'c', status: 'done', output: { did: 'c' } },
    { id: 'd', status: 'done', output: { did: 'd' } },
  ]);
  expect(run).toMatchObject({ status: 'succeeded', steps: stored?.steps });
});

test('when a concurrent step fails, the process compensates once the others have ended, and does not go on', async () => {
  const pending = context.processes.start(togetherFailing, { key: 'together-failing', input: null });
  await waitUntil(() => gates.has('together-failing:b'));
  // c has failed, b is still running: nothing is undone under it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(stepsOf('together-failing')).toEqual(['a', 'b', 'c']);
  gates.get('together-failing:b')?.();
  const run = await pending;
  expect(stepsOf('together-failing')).toEqual(['a', 'b', 'c', 'undo b', 'undo a']);
  expect(run).toMatchObject({ status: 'compensated', error: { step: 'c', code: 'SHOP_SOLD_OUT', status: 409 } });
  expect(run.steps.map((record) => [record.id, record.status])).toEqual([
    ['a', 'done'],
    ['b', 'done'],
    ['c', 'failed'],
  ]);
});

test('a plugin whose process has a concurrent step that is not repeatable does not start, naming it', async () => {
  const broken = definePlugin({
    name: 'broken',
    summary: 'a concurrent step that writes',
    spec: { openapi: '3.1.0', info: { title: 'broken', version: '1' }, paths: {} },
    handlers: {},
    migrations: {},
    processes: [
      defineProcess<unknown, null>({
        name: 'loose',
        steps: [
          { ...step('a'), concurrent: true },
          { ...step('b'), repeatable: true, concurrent: true },
        ],
      }),
    ],
  });
  await expect(createServer({ plugins: [broken], openDatabase: server.database, logLevel: false })).rejects.toThrow(
    "process broken.loose: step 'a' is concurrent, so it must be repeatable, not local, and without `uncertain`",
  );
});

test('a plugin whose process has a repeatable step that would be undone after a crash does not start, naming it', async () => {
  const broken = definePlugin({
    name: 'broken',
    summary: 'a repeatable step that compensates on recovery',
    spec: { openapi: '3.1.0', info: { title: 'broken', version: '1' }, paths: {} },
    handlers: {},
    migrations: {},
    processes: [defineProcess<unknown, null>({ name: 'undone', recovery: 'compensate', steps: [{ ...step('a'), repeatable: true }] })],
  });
  await expect(createServer({ plugins: [broken], openDatabase: server.database, logLevel: false })).rejects.toThrow(
    "process broken.undone: step 'a' is repeatable, so its recovery must be 'resume'",
  );
});

test('a plugin whose process repeats a step id does not start, naming it', async () => {
  const broken = definePlugin({
    name: 'broken',
    summary: 'two steps with one id',
    spec: { openapi: '3.1.0', info: { title: 'broken', version: '1' }, paths: {} },
    handlers: {},
    migrations: {},
    processes: [defineProcess<unknown, null>({ name: 'twice', steps: [step('a'), step('a')] })],
  });
  await expect(createServer({ plugins: [broken], openDatabase: server.database, logLevel: false })).rejects.toThrow(
    "process broken.twice has two steps with the id 'a'",
  );
});

describe('a process whose server stalls past its lease', () => {
  const others: Array<{ server: TokoBapakServer; context: PluginContext<unknown> }> = [];
  beforeAll(async () => {
    // Two more servers on the same database, as two more processes would be.
    const first = context;
    for (let i = 0; i < 2; i++) {
      const other = await createServer({
        plugins: [shopPlugin()],
        openDatabase: server.database,
        clock,
        logLevel: false,
        processRecoveryIntervalMs: 3_600_000,
      });
      others.push({ server: other, context });
    }
    context = first;
  });
  afterAll(async () => {
    for (const other of others) await other.server.close();
  });

  test('is taken over by one server, resumed at the step it was in, and the stalled server changes nothing afterwards', async () => {
    const stalled = context.processes.start(takeover, { key: 'stall', input: null });
    await waitUntil(() => gates.has('stall:b'));
    const releaseStalled = gates.get('stall:b') as () => void;
    gates.delete('stall:b');
    expect(await others[0]?.server.processes.recover()).toBe(0);

    advance(31_000);
    const recovering = Promise.all([server.processes.recover(), ...others.map((other) => other.server.processes.recover())]);
    await waitUntil(() => gates.has('stall:b'));
    gates.get('stall:b')?.();
    const taken = await recovering;
    expect(taken.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(taken[0]).toBe(0);
    expect(await context.processes.get('stall')).toMatchObject({ status: 'succeeded' });

    releaseStalled();
    await stalled;
    expect(stepsOf('stall')).toEqual(['a', 'b', 'b (resumed)', 'c']);
    expect(await context.processes.get('stall')).toMatchObject({ status: 'succeeded', steps: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
  });

  // PostgreSQL only: PGlite has one connection, which the stalled transaction holds.
  test.skipIf(!process.env.DATABASE_URL)(
    'stalled inside a local step past its lease, its transaction is refused at the commit and leaves nothing behind',
    async () => {
      await sql`create table if not exists local_marks (key text not null, run text not null)`.execute(server.database.db);
      const stalled = context.processes.start(localTakeover, { key: 'local-lost', input: null });
      await waitUntil(() => gates.has('local-lost:b'));
      const releaseStalled = gates.get('local-lost:b') as () => void;
      gates.delete('local-lost:b');

      advance(31_000);
      const recovering = others[0]?.server.processes.recover();
      await waitUntil(() => gates.has('local-lost:b (resumed)'));
      gates.get('local-lost:b (resumed)')?.();
      expect(await recovering).toBe(1);
      expect(await context.processes.get('local-lost')).toMatchObject({ status: 'succeeded' });

      // The stalled server's transaction goes on to its save, which finds the process taken.
      releaseStalled();
      await stalled;
      expect(stepsOf('local-lost')).toEqual(['a', 'b', 'b (resumed)']);
      const marks = await sql<{ run: string }>`select run from local_marks where key = 'local-lost'`.execute(server.database.db);
      expect(marks.rows).toEqual([{ run: 'resumed' }]);
      expect(await context.processes.get('local-lost')).toMatchObject({ status: 'succeeded', steps: [{ id: 'a' }, { id: 'b' }] });
    },
  );

  test('cut short after a step whose outcome waits for the next local step, it is undone as if cut short during that step', async () => {
    const stalled = context.processes.start(handOffUndone, { key: 'hand-off-undone', input: null });
    await waitUntil(() => gates.has('hand-off-undone:b'));
    const releaseStalled = gates.get('hand-off-undone:b') as () => void;
    gates.delete('hand-off-undone:b');

    advance(31_000);
    expect(await others[0]?.server.processes.recover()).toBe(1);
    // a's outcome was never written: it is undone from what it declared, and b never runs.
    expect(stepsOf('hand-off-undone')).toEqual(['a', 'b', 'undo maybe a']);
    expect(await context.processes.get('hand-off-undone')).toMatchObject({
      status: 'compensated',
      error: { step: 'a', message: 'the server stopped during this step' },
      steps: [{ id: 'a', status: 'started', uncertain: { did: 'maybe a' }, compensation: { status: 'done' } }],
    });

    // The stalled server's b reaches its transaction, whose write finds the process taken: nothing commits.
    releaseStalled();
    await stalled;
    expect(stepsOf('hand-off-undone')).toEqual(['a', 'b', 'undo maybe a']);
    expect(await context.processes.get('hand-off-undone')).toMatchObject({ status: 'compensated' });
  });

  test('cut short there with a step that resumes, that step runs again, then the local step', async () => {
    const stalled = context.processes.start(handOffRerun, { key: 'hand-off-rerun', input: null });
    await waitUntil(() => gates.has('hand-off-rerun:b'));
    const releaseStalled = gates.get('hand-off-rerun:b') as () => void;
    gates.delete('hand-off-rerun:b');

    advance(31_000);
    const recovering = others[0]?.server.processes.recover();
    await waitUntil(() => gates.has('hand-off-rerun:b'));
    gates.get('hand-off-rerun:b')?.();
    expect(await recovering).toBe(1);
    expect(stepsOf('hand-off-rerun')).toEqual(['a', 'b', 'a (resumed)', 'b']);
    expect(await context.processes.get('hand-off-rerun')).toMatchObject({ status: 'succeeded', steps: [{ id: 'a', status: 'done' }, { id: 'b' }] });

    releaseStalled();
    await stalled;
    expect(stepsOf('hand-off-rerun')).toEqual(['a', 'b', 'a (resumed)', 'b']);
  });

  test('cut short between two announced steps (a returned, b under way, neither written since), it is undone from what both declared', async () => {
    const stalled = context.processes.start(aheadProcess, { key: 'ahead-crash', input: null });
    await waitUntil(() => gates.has('ahead-crash:a'));
    gates.get('ahead-crash:a')?.();
    await waitUntil(() => gates.has('ahead-crash:b'));
    const releaseStalled = gates.get('ahead-crash:b') as () => void;
    gates.delete('ahead-crash:b');

    advance(31_000);
    expect(await others[0]?.server.processes.recover()).toBe(1);
    // b may have acted: it is undone from its announced record, then a from its own (its outcome was never written).
    expect(stepsOf('ahead-crash')).toEqual(['a', 'b', 'undo maybe b', 'undo maybe a']);
    expect(await context.processes.get('ahead-crash')).toMatchObject({
      status: 'compensated',
      error: { step: 'a', message: 'the server stopped during this step' },
      steps: [
        { id: 'a', status: 'started', compensation: { status: 'done' } },
        { id: 'b', status: 'started', compensation: { status: 'done' } },
      ],
    });

    // The stalled server's b returns; its next write finds the process taken and changes nothing.
    releaseStalled();
    await stalled;
    expect(stepsOf('ahead-crash')).toEqual(['a', 'b', 'undo maybe b', 'undo maybe a']);
    expect(await context.processes.get('ahead-crash')).toMatchObject({ status: 'compensated' });
  });
});
