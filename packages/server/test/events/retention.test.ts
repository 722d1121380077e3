import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../../src/database.js';
import {
  type Consumer,
  createInProcessRelay,
  type EventEnvelope,
  type EventTransport,
  eventsMigration,
  type InProcessRelayOptions,
  writeManyToOutbox,
} from '../../src/events/index.js';
import { PRUNE_LOCK_KEY } from '../../src/events/retention.js';
import { memoryLog } from '../../src/testing/memory-log.js';
import { openTestDatabase } from '../../src/testing/test-database.js';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
type Db = Kysely<any>;

const DAY = 24 * 60 * 60_000;
const RETENTION = 7 * DAY;
const NOW = new Date('2030-01-20T00:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let database: TestDatabase;
let db: Db;
let clock = NOW;
const relays: EventTransport[] = [];
const onPostgres = () => database.kind === 'postgres';

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  await eventsMigration.up(db);
});

beforeEach(async () => {
  clock = NOW;
  await sql`
    truncate tokobapak.outbox, tokobapak.consumer_offsets, tokobapak.processed_events, tokobapak.consumer_retries, tokobapak.dead_letters
  `.execute(db);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
});

afterAll(async () => {
  await database?.close();
});

function relay(options: Partial<InProcessRelayOptions> & Pick<InProcessRelayOptions, 'consumers'>): EventTransport {
  const created = createInProcessRelay({ db, pollIntervalMs: 20, log: memoryLog(), now: () => clock, retentionMs: RETENTION, ...options });
  relays.push(created);
  return created;
}

/** A consumer that records the events it handled; `fail` may throw. */
function recorder(name: string, types: string[], fail?: (event: EventEnvelope) => void) {
  const calls: EventEnvelope[] = [];
  const consumer: Consumer = {
    name,
    types,
    async handle(event) {
      calls.push(event);
      fail?.(event);
    },
  };
  return { consumer, calls, ids: () => calls.map((event) => event.id) };
}

/** Publishes `count` events of `type` in one transaction, stamped `time`. */
async function publishAt(time: Date, type: string, count = 1): Promise<EventEnvelope[]> {
  const events = Array.from({ length: count }, (_, n) => ({ type, data: { n } }));
  return db.transaction().execute((trx) => writeManyToOutbox(trx, 'test', events, time));
}

async function stored(): Promise<string[]> {
  const result = await sql<{ event_id: string }>`select event_id from tokobapak.outbox order by tx_id, id`.execute(db);
  return result.rows.map((row) => row.event_id);
}

async function processed(): Promise<string[]> {
  const result = await sql<{ key: string }>`
    select consumer || ':' || event_id as key from tokobapak.processed_events order by consumer, event_id
  `.execute(db);
  return result.rows.map((row) => row.key);
}

/** Stores an offset for a consumer no relay here runs (one in another process), at `event`. */
async function offsetAt(consumer: string, event: EventEnvelope): Promise<void> {
  await sql`
    insert into tokobapak.consumer_offsets (consumer, last_tx_id, last_id)
    select ${consumer}, tx_id, id from tokobapak.outbox where event_id = ${event.id}
  `.execute(db);
}

const ids = (events: EventEnvelope[]) => events.map((event) => event.id);

describe('outbox', () => {
  test('deletes rows older than the retention period once every consumer has moved past them, and logs how many', async () => {
    const old = await publishAt(ago(10 * DAY), 'r1.changed', 3);
    const recent = await publishAt(ago(1 * DAY), 'r1.changed', 2);
    const log = memoryLog();
    const wants = recorder('r1.wants', ['r1.changed']);
    const skips = recorder('r1.skips', ['r1.other']);
    const transport = relay({ consumers: [wants.consumer, skips.consumer], log });
    await transport.drain();
    expect(wants.ids()).toEqual([...ids(old), ...ids(recent)]);

    const result = await transport.prune();
    expect(result).toEqual({ outbox: 3, processedEvents: 0, complete: true, lagging: [] });
    expect(await stored()).toEqual(ids(recent));
    expect(log.lines).toEqual([
      {
        level: 'info',
        message: 'event relay: pruned events older than the retention period',
        details: expect.objectContaining({ outbox: 3, processedEvents: 0 }),
      },
    ]);

    // Nothing is left to prune, and delivery goes on as before.
    expect(await transport.prune()).toMatchObject({ outbox: 0, processedEvents: 0, complete: true });
    const later = await publishAt(NOW, 'r1.changed');
    await transport.drain();
    expect(wants.ids()).toEqual([...ids(old), ...ids(recent), ...ids(later)]);
  });

  test('keeps old rows a lagging consumer has not moved past, and names that consumer', async () => {
    const old = await publishAt(ago(10 * DAY), 'r2.changed', 4);
    const recent = await publishAt(ago(1 * DAY), 'r2.changed');
    const log = memoryLog();
    const transport = relay({ consumers: [recorder('r2.current', ['r2.changed']).consumer], log });
    await transport.drain();
    // A consumer of another process that has handled the first two events only.
    await offsetAt('r2.lagging', old[1] as EventEnvelope);

    const result = await transport.prune();
    expect(result).toMatchObject({ outbox: 2, complete: true, lagging: ['r2.lagging'] });
    expect(await stored()).toEqual([...ids(old.slice(2)), ...ids(recent)]);
    expect(log.lines.find((line) => line.level === 'warn')?.details).toEqual({ consumers: ['r2.lagging'], retentionMs: RETENTION });

    // Once it catches up, the rest goes.
    await sql`
      update tokobapak.consumer_offsets o set last_tx_id = e.tx_id, last_id = e.id
      from tokobapak.outbox e where o.consumer = 'r2.lagging' and e.event_id = ${recent[0]?.id}
    `.execute(db);
    expect(await transport.prune()).toMatchObject({ outbox: 2, lagging: [] });
    expect(await stored()).toEqual(ids(recent));
  });

  test('keeps rows younger than the retention period even when every consumer has moved past them', async () => {
    const older = await publishAt(new Date(ago(RETENTION).getTime() - 1), 'r3.changed');
    const atCutoff = await publishAt(ago(RETENTION), 'r3.changed');
    const recent = await publishAt(ago(1 * DAY), 'r3.changed');
    const transport = relay({ consumers: [recorder('r3.all', ['r3.changed']).consumer] });
    await transport.drain();

    expect(await transport.prune()).toMatchObject({ outbox: 1, complete: true });
    expect(await stored()).toEqual([...ids(atCutoff), ...ids(recent)]);
    expect(ids(older)).not.toContain((await stored())[0]);
  });

  test('stops at the first row, in relay order, that is younger than the retention period', async () => {
    // A publisher whose clock was behind wrote an older time after a newer one: the older row waits
    // until the newer one has aged too, so a pass never reads through the recent part of the outbox.
    const recent = await publishAt(ago(1 * DAY), 'r3b.changed');
    const skewed = await publishAt(ago(10 * DAY), 'r3b.changed');
    const transport = relay({ consumers: [recorder('r3b.all', ['r3b.changed']).consumer] });
    await transport.drain();
    expect(await transport.prune()).toMatchObject({ outbox: 0, complete: true });
    expect(await stored()).toEqual([...ids(recent), ...ids(skewed)]);

    clock = new Date(NOW.getTime() + 6 * DAY + 1);
    expect(await transport.prune()).toMatchObject({ outbox: 2, complete: true });
  });

  test('keeps rows a pending retry or a dead letter still reads, until they are resolved', async () => {
    const before = await publishAt(ago(10 * DAY), 'r4.fine');
    const retried = await publishAt(ago(10 * DAY), 'r4.flaky');
    const dead = await publishAt(ago(10 * DAY), 'r4.poison');
    const after = await publishAt(ago(10 * DAY), 'r4.fine');
    let flakyFails = true;
    const flaky = recorder('r4.flaky', ['r4.flaky', 'r4.fine'], (event) => {
      if (event.type === 'r4.flaky' && flakyFails) throw new Error('not yet');
    });
    const poisoned = recorder('r4.poisoned', ['r4.poison', 'r4.fine'], (event) => {
      if (event.type === 'r4.poison') throw new Error('never');
    });
    // An hour's backoff keeps the retry pending; one attempt sends the poison straight to the dead letters.
    const withRetry = relay({ consumers: [flaky.consumer], backoff: () => 60 * 60_000 });
    const withDeadLetter = relay({ consumers: [poisoned.consumer], maxAttempts: 1 });
    await withRetry.drain();
    await withDeadLetter.drain();
    const pending = await sql`select event_id from tokobapak.consumer_retries`.execute(db);
    expect(pending.rows).toEqual([{ event_id: retried[0]?.id }]);

    expect(await withRetry.prune()).toMatchObject({ outbox: 2, complete: true });
    expect(await stored()).toEqual([...ids(retried), ...ids(dead)]);

    // The retry still finds its event ...
    flakyFails = false;
    clock = new Date(NOW.getTime() + 60 * 60_000);
    await withRetry.drain();
    // The failure rolled its batch back, so the event before it was handled again (once in effect).
    expect(flaky.ids()).toEqual([...ids(before), ...ids(retried), ...ids(before), ...ids(after), ...ids(retried)]);
    // ... and once it has succeeded, the row goes. The dead letter's row stays until an operator deletes it.
    expect(await withRetry.prune()).toMatchObject({ outbox: 1 });
    expect(await stored()).toEqual(ids(dead));
    await sql`delete from tokobapak.dead_letters`.execute(db);
    expect(await withRetry.prune()).toMatchObject({ outbox: 1 });
    expect(await stored()).toEqual([]);
  });

  test('prunes nothing while a consumer of this relay has not stored an offset yet', async () => {
    const old = await publishAt(ago(10 * DAY), 'r5.changed', 2);
    const first = relay({ consumers: [recorder('r5.first', ['r5.changed']).consumer] });
    await first.drain();
    const late = recorder('r5.late', ['r5.changed']);
    const both = relay({ consumers: [recorder('r5.first', ['r5.changed']).consumer, late.consumer] });

    expect(await both.prune()).toMatchObject({ outbox: 0, complete: true });
    expect(await stored()).toEqual(ids(old));
    await both.drain();
    expect(late.ids()).toEqual(ids(old));
    expect(await both.prune()).toMatchObject({ outbox: 2 });
  });

  test('a consumer that starts after pruning receives every event of the retention period, in order', async () => {
    const old = await publishAt(ago(30 * DAY), 'r6.changed', 3);
    const recent = [...(await publishAt(ago(6 * DAY), 'r6.changed', 2)), ...(await publishAt(ago(1 * DAY), 'r6.changed'))];
    const first = relay({ consumers: [recorder('r6.first', ['r6.changed']).consumer] });
    await first.drain();
    expect(await first.prune()).toMatchObject({ outbox: 3 });

    const newcomer = recorder('r6.newcomer', ['r6.changed']);
    const transport = relay({ consumers: [newcomer.consumer] });
    await transport.drain();
    expect(newcomer.ids()).toEqual(ids(recent));
    expect(newcomer.ids()).not.toContain(old[0]?.id);
    // Published after pruning: delivered as usual.
    const next = await publishAt(NOW, 'r6.changed');
    await transport.drain();
    expect(newcomer.ids()).toEqual([...ids(recent), ...ids(next)]);
  });

  test('with retention turned off, nothing is pruned', async () => {
    const old = await publishAt(ago(400 * DAY), 'r7.changed', 2);
    const transport = relay({ consumers: [recorder('r7.all', ['r7.changed']).consumer], retentionMs: false });
    await transport.drain();
    expect(await transport.prune()).toEqual({ outbox: 0, processedEvents: 0, complete: true, lagging: [] });
    expect(await stored()).toEqual(ids(old));
  });

  test('rejects retention options it cannot honour', () => {
    expect(() => createInProcessRelay({ db, consumers: [], retentionMs: -1 })).toThrow(/retention/);
    expect(() => createInProcessRelay({ db, consumers: [], pruneBatchSize: 0 })).toThrow(/batch size/);
    expect(() => createInProcessRelay({ db, consumers: [], pruneIntervalMs: 30 * DAY })).toThrow(/interval/);
  });
});

describe('processed_events', () => {
  test('deletes rows older than the retention period whose event has left the outbox, and keeps the rest', async () => {
    // Ten days ago: e1 and e2 published, and handled by `early`.
    clock = ago(10 * DAY);
    const [e1, e2] = (await publishAt(clock, 'r8.changed', 2)) as [EventEnvelope, EventEnvelope];
    const early = relay({ consumers: [recorder('r8.early', ['r8.changed']).consumer] });
    await early.drain();
    // A day ago: e3 published; `early` handles it, and `late` (a new consumer) handles all three.
    clock = ago(1 * DAY);
    const [e3] = (await publishAt(clock, 'r8.changed')) as [EventEnvelope];
    await early.drain();
    const late = relay({ consumers: [recorder('r8.late', ['r8.changed']).consumer] });
    await late.drain();
    // A consumer of another process has handled e1 only, so e2 stays in the outbox.
    await offsetAt('r8.lagging', e1);

    clock = NOW;
    const result = await early.prune();
    expect(result).toMatchObject({ outbox: 1, processedEvents: 1, complete: true });
    expect(await stored()).toEqual([e2.id, e3.id]);
    expect(await processed()).toEqual(
      [
        // Old, but e2 is still stored: a rewound offset could deliver it again.
        `r8.early:${e2.id}`,
        // Recent.
        `r8.early:${e3.id}`,
        // Handled a day ago, although the event itself (e1) is gone.
        `r8.late:${e1.id}`,
        `r8.late:${e2.id}`,
        `r8.late:${e3.id}`,
      ].sort(),
    );
    expect(await processed()).not.toContain(`r8.early:${e1.id}`);
  });
});

describe('batches and concurrency', () => {
  const COUNT = 12_000;

  /** `count` old outbox rows every consumer has moved past, and `count` old processed rows of events long gone. */
  async function backlog(count: number): Promise<void> {
    await publishAt(ago(10 * DAY), 'r9.bulk', count);
    await sql`
      insert into tokobapak.consumer_offsets (consumer, last_tx_id, last_id)
      select 'r9.done', tx_id, id from tokobapak.outbox order by tx_id desc, id desc limit 1
      on conflict (consumer) do update set last_tx_id = excluded.last_tx_id, last_id = excluded.last_id
    `.execute(db);
    await sql`
      insert into tokobapak.processed_events (consumer, event_id, processed_at)
      select 'r9.done', 'evt_gone_' || n, ${ago(10 * DAY)} from generate_series(1, ${count}) n
    `.execute(db);
  }

  async function counts() {
    const result = await sql<{ outbox: number; processed: number }>`
      select (select count(*)::int from tokobapak.outbox) as outbox, (select count(*)::int from tokobapak.processed_events) as processed
    `.execute(db);
    return result.rows[0];
  }

  test('deletes more rows than one batch holds, a statement per batch', async () => {
    await backlog(COUNT);
    const transport = relay({ consumers: [], pruneBatchSize: 5_000 });
    expect(await transport.prune()).toEqual({ outbox: COUNT, processedEvents: COUNT, complete: true, lagging: [] });
    expect(await counts()).toEqual({ outbox: 0, processed: 0 });
  });

  test('stops at the time budget after a batch, and the next pass goes on', async () => {
    await backlog(COUNT);
    const transport = relay({ consumers: [], pruneBatchSize: 5_000, pruneTimeBudgetMs: 0 });
    expect(await transport.prune()).toMatchObject({ outbox: 5_000, processedEvents: 0, complete: false });
    expect(await transport.prune()).toMatchObject({ outbox: 5_000, processedEvents: 0, complete: false });
    expect(await transport.prune()).toMatchObject({ outbox: 2_000, processedEvents: 5_000, complete: false });
    expect(await transport.prune()).toMatchObject({ outbox: 0, processedEvents: 5_000, complete: false });
    expect(await transport.prune()).toMatchObject({ outbox: 0, processedEvents: 2_000, complete: true });
    expect(await counts()).toEqual({ outbox: 0, processed: 0 });
  });

  test('two pruning passes at once, in one relay or in two processes, delete every row once and do not fail', async () => {
    await backlog(COUNT);
    const one = relay({ consumers: [], pruneBatchSize: 1_000 });
    // One relay runs one pass at a time: the second call waits for the first and finds nothing left.
    const [a, b] = await Promise.all([one.prune(), one.prune()]);
    expect(a).toEqual({ outbox: COUNT, processedEvents: COUNT, complete: true, lagging: [] });
    expect(b).toEqual({ outbox: 0, processedEvents: 0, complete: true, lagging: [] });
    expect(await counts()).toEqual({ outbox: 0, processed: 0 });

    // On PostgreSQL the second relay has its own connection pool, like a second process.
    await backlog(COUNT);
    const other: Database = onPostgres() ? await openDatabase({ url: database.url, poolSize: 4 }) : database;
    try {
      const first = relay({ consumers: [], pruneBatchSize: 1_000 });
      const second = relay({ db: other.db, consumers: [], pruneBatchSize: 1_000 });
      const results = await Promise.all([first.prune(), second.prune(), first.prune(), second.prune()]);
      expect(results.reduce((sum, result) => sum + result.outbox, 0)).toBe(COUNT);
      expect(results.reduce((sum, result) => sum + result.processedEvents, 0)).toBe(COUNT);
      expect(await counts()).toEqual({ outbox: 0, processed: 0 });
    } finally {
      await Promise.all(relays.splice(0).map((transport) => transport.stop()));
      if (other !== database) await other.close();
    }
  });

  test.skipIf(!process.env.DATABASE_URL)(
    'while another process prunes, a pass leaves the work to it (PostgreSQL only: PGlite has one connection)',
    async () => {
      await backlog(10);
      const other = await openDatabase({ url: database.url, poolSize: 1 });
      try {
        const holder = await other.db.startTransaction().execute();
        await sql`select pg_advisory_xact_lock(${sql.raw(PRUNE_LOCK_KEY)})`.execute(holder);
        const transport = relay({ consumers: [] });
        expect(await transport.prune()).toMatchObject({ outbox: 0, processedEvents: 0, complete: false });
        await holder.rollback().execute();
        expect(await transport.prune()).toMatchObject({ outbox: 10, processedEvents: 10, complete: true });
      } finally {
        await other.close();
      }
    },
  );

  test('a started relay prunes by itself at its interval', async () => {
    const old = await publishAt(ago(10 * DAY), 'r10.changed', 2);
    const recent = await publishAt(ago(1 * DAY), 'r10.changed');
    const log = memoryLog();
    const transport = relay({ consumers: [recorder('r10.all', ['r10.changed']).consumer], pruneIntervalMs: 30, log });
    transport.start();
    const deadline = Date.now() + 5_000;
    while (!log.lines.some((line) => line.message.startsWith('event relay: pruned'))) {
      if (Date.now() > deadline) throw new Error(`no pruning logged: ${JSON.stringify(log.lines)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await stored()).toEqual(ids(recent));
    expect(ids(old)).not.toContain((await stored())[0]);
    await transport.stop();
  });
});
