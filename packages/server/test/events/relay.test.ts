import { type Kysely, type KyselyPlugin, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../../src/database.js';
import {
  type Consumer,
  createInProcessRelay,
  type EventEnvelope,
  type EventTransport,
  eventsMigration,
  type InProcessRelayOptions,
  writeManyToOutbox,
  writeToOutbox,
} from '../../src/events/index.js';
import { waitUntil } from '../../src/testing/eventually.js';
import { memoryLog } from '../../src/testing/memory-log.js';
import { openTestDatabase } from '../../src/testing/test-database.js';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
type Db = Kysely<any>;

let database: TestDatabase;
let db: Db;
const relays: EventTransport[] = [];
const onPostgres = () => database.kind === 'postgres';

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  await eventsMigration.up(db);
  // What consumers do: one row per handled event, written in the delivery transaction.
  await sql`create table public.effects (consumer text not null, event_id text not null)`.execute(db);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
});

afterAll(async () => {
  await database?.close();
});

function relay(options: Partial<InProcessRelayOptions> & Pick<InProcessRelayOptions, 'consumers'>): EventTransport {
  const created = createInProcessRelay({ db, pollIntervalMs: 20, log: memoryLog(), ...options });
  relays.push(created);
  return created;
}

/** A consumer that records each call and writes an effect row; `fail` may throw after the write. */
function recorder(name: string, types: string[], fail?: (event: EventEnvelope, call: number) => void | Promise<void>) {
  const calls: EventEnvelope[] = [];
  const consumer: Consumer = {
    name,
    types,
    async handle(event, trx) {
      calls.push(event);
      await sql`insert into public.effects (consumer, event_id) values (${name}, ${event.id})`.execute(trx);
      await fail?.(event, calls.length);
    },
  };
  return { consumer, calls, ids: () => calls.map((event) => event.id) };
}

async function publish(type: string, data: unknown = {}, subject?: string): Promise<EventEnvelope> {
  return db.transaction().execute((trx) => writeToOutbox(trx, 'test', subject ? { type, data, subject } : { type, data }));
}

/** Publishes `types` in order, in one transaction. */
async function publishAll(types: string[]): Promise<EventEnvelope[]> {
  return db.transaction().execute((trx) =>
    writeManyToOutbox(
      trx,
      'test',
      types.map((type, n) => ({ type, subject: `sub_${n}`, data: { n } })),
    ),
  );
}

async function effects(consumer: string): Promise<Map<string, number>> {
  const result = await sql<{ event_id: string; count: number }>`
    select event_id, count(*)::int as count from public.effects where consumer = ${consumer} group by event_id
  `.execute(db);
  return new Map(result.rows.map((row) => [row.event_id, row.count]));
}

async function retries(consumer: string) {
  const result = await sql<{ event_id: string; attempts: number; next_attempt_at: Date; last_error: string }>`
    select event_id, attempts, next_attempt_at, last_error from tokobapak.consumer_retries where consumer = ${consumer}
  `.execute(db);
  return result.rows;
}

async function processed(consumer: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from tokobapak.processed_events where consumer = ${consumer}`.execute(db);
  return result.rows[0]?.n ?? 0;
}

const repeat = (type: string, times: number) => Array.from({ length: times }, () => type);

/** Every statement the relay sends, handlers' included, counted (and kept) through a Kysely plugin on its handle. */
function countingHandle(): { db: Db; statements: () => number; texts: () => string[]; reset: () => void } {
  let sent: string[] = [];
  const counter: KyselyPlugin = {
    transformQuery(args) {
      // Raw SQL is a node of string fragments: enough to tell the statements apart.
      sent.push(JSON.stringify(args.node).slice(0, 300));
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return {
    db: db.withPlugin(counter),
    statements: () => sent.length,
    texts: () => [...sent],
    reset: () => {
      sent = [];
    },
  };
}

describe('delivery', () => {
  test('delivers a published event after commit, not before, and never when rolled back', async () => {
    const orders = recorder('t1.orders', ['t1.placed']);
    const transport = relay({ consumers: [orders.consumer] });

    await expect(
      db.transaction().execute(async (trx) => {
        await writeToOutbox(trx, 'test', { type: 't1.placed', data: { n: 0 } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const trx = await db.startTransaction().execute();
    const placed = await writeToOutbox(trx, 'test', { type: 't1.placed', subject: 'ord_1', data: { n: 1 } });
    // PGlite has one connection: the relay cannot even look while the transaction is open.
    if (onPostgres()) {
      await transport.drain();
      expect(orders.calls).toEqual([]);
    }
    await trx.commit().execute();

    await transport.drain();
    expect(orders.calls).toEqual([placed]);
    expect(await effects('t1.orders')).toEqual(new Map([[placed.id, 1]]));
  });

  test('polls in the background, and a nudge delivers without waiting for the interval', async () => {
    const mail = recorder('t2.mail', ['t2.signed-up']);
    const transport = relay({ consumers: [mail.consumer], pollIntervalMs: 60_000 });
    transport.start();
    await transport.drain();

    const event = await publish('t2.signed-up', { email: 'a@example.com' });
    transport.nudge();
    await waitUntil(() => mail.calls.length === 1);
    expect(mail.ids()).toEqual([event.id]);
  });

  test('commits close together are relayed in one pass; the first after a pause at once', async () => {
    const deliveries = new Set<unknown>();
    const handledAt: number[] = [];
    const consumer: Consumer = {
      name: 't2b.spaced',
      types: ['t2b.placed'],
      async handle(_event, trx) {
        deliveries.add(trx); // one transaction per delivery
        handledAt.push(performance.now());
      },
    };
    const transport = relay({ consumers: [consumer], pollIntervalMs: 60_000, minPassIntervalMs: 1_000 });
    transport.start();
    await transport.drain();
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a pause longer than the spacing

    const first = performance.now();
    await publish('t2b.placed');
    transport.nudge();
    await waitUntil(() => handledAt.length === 1);
    // After a pause the pass is not held back by the spacing.
    expect((handledAt[0] as number) - first).toBeLessThan(700);
    await new Promise((resolve) => setTimeout(resolve, 150)); // that pass has ended
    for (let n = 0; n < 8; n++) {
      await publish('t2b.placed');
      transport.nudge();
    }
    await waitUntil(() => handledAt.length === 9, 5_000);
    // The eight came while the spacing ran: they wait for one pass together, not eight.
    expect(deliveries.size).toBe(2);
    expect((handledAt[8] as number) - (handledAt[0] as number)).toBeGreaterThan(800);
  });

  test('skips event types a consumer does not want, moving its offset past them', async () => {
    const picky = recorder('t3.picky', ['t3.wanted']);
    await publish('t3.other');
    await publish('t3.other');
    const wanted = await publish('t3.wanted');
    const last = await publish('t3.other');
    await relay({ consumers: [picky.consumer] }).drain();

    expect(picky.ids()).toEqual([wanted.id]);
    const offset = await sql<{ matches: boolean }>`
      select (o.last_tx_id, o.last_id) = (e.tx_id, e.id) as matches
      from tokobapak.consumer_offsets o, tokobapak.outbox e
      where o.consumer = 't3.picky' and e.event_id = ${last.id}
    `.execute(db);
    expect(offset.rows[0]?.matches).toBe(true);
  });

  test('hands every consumer its own copy, in outbox order', async () => {
    const first = recorder('t4.first', ['t4.a', 't4.b']);
    const second = recorder('t4.second', ['t4.b']);
    const a = await publish('t4.a');
    const b1 = await publish('t4.b');
    const b2 = await publish('t4.b');
    await relay({ consumers: [first.consumer, second.consumer] }).drain();
    expect(first.ids()).toEqual([a.id, b1.id, b2.id]);
    expect(second.ids()).toEqual([b1.id, b2.id]);
  });

  test('stop() waits for the delivery in progress', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = recorder('t5.slow', ['t5.slow'], () => gate);
    const transport = relay({ consumers: [slow.consumer] });
    await publish('t5.slow');
    transport.start();
    await waitUntil(() => slow.calls.length === 1);

    let stopped = false;
    const stopping = transport.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await effects('t5.slow')).size).toBe(1);
  });
});

describe('offsets', () => {
  test('survive a relay restart: a new relay continues where the old one stopped', async () => {
    const before = recorder('t6.ledger', ['t6.entry']);
    const first = relay({ consumers: [before.consumer] });
    const a = await publish('t6.entry');
    const b = await publish('t6.entry');
    await first.drain();
    await first.stop();
    expect(before.ids()).toEqual([a.id, b.id]);

    const c = await publish('t6.entry');
    const d = await publish('t6.entry');
    const after = recorder('t6.ledger', ['t6.entry']);
    await relay({ consumers: [after.consumer] }).drain();
    expect(after.ids()).toEqual([c.id, d.id]);
    expect([...(await effects('t6.ledger')).values()]).toEqual([1, 1, 1, 1]);
  });

  test('a redelivered event is not processed twice', async () => {
    const audit = recorder('t7.audit', ['t7.changed']);
    const transport = relay({ consumers: [audit.consumer] });
    const event = await publish('t7.changed');
    await transport.drain();

    // An offset lost or rewound (restored backup, operator mistake) replays the stream ...
    await sql`update tokobapak.consumer_offsets set last_tx_id = '0'::xid8, last_id = 0 where consumer = 't7.audit'`.execute(db);
    await transport.drain();
    // ... and a stray retry row redelivers the event itself.
    await sql`
      insert into tokobapak.consumer_retries (consumer, event_id, attempts, next_attempt_at, last_error)
      values ('t7.audit', ${event.id}, 1, now() - interval '1 minute', 'stray')
    `.execute(db);
    await transport.drain();

    expect(audit.ids()).toEqual([event.id]);
    expect(await effects('t7.audit')).toEqual(new Map([[event.id, 1]]));
    expect(await retries('t7.audit')).toEqual([]);
  });
});

describe('failures', () => {
  test('a failing consumer is retried with backoff, its failed writes rolled back, and later events are not held up', async () => {
    let clock = new Date('2030-01-01T00:00:00.000Z');
    const later = (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    };
    let failures = 0;
    const shipping = recorder('t8.shipping', ['t8.paid'], (event) => {
      if (event.subject === 'ord_bad' && failures < 2) {
        failures++;
        throw new Error(`carrier unavailable (${failures})`);
      }
    });
    const log = memoryLog();
    const transport = relay({ consumers: [shipping.consumer], now: () => clock, backoff: (attempt) => attempt * 1_000, log });
    const bad = await publish('t8.paid', {}, 'ord_bad');
    const good = await publish('t8.paid', {}, 'ord_good');

    await transport.drain();
    expect(shipping.ids()).toEqual([bad.id, good.id]);
    expect(await effects('t8.shipping')).toEqual(new Map([[good.id, 1]]));
    expect(await retries('t8.shipping')).toMatchObject([
      { event_id: bad.id, attempts: 1, next_attempt_at: new Date('2030-01-01T00:00:01.000Z'), last_error: expect.stringContaining('carrier unavailable (1)') },
    ]);

    await transport.drain();
    expect(shipping.calls).toHaveLength(2);

    later(1_000);
    await transport.drain();
    expect(shipping.calls).toHaveLength(3);
    expect(await retries('t8.shipping')).toMatchObject([{ attempts: 2, next_attempt_at: new Date('2030-01-01T00:00:03.000Z') }]);

    later(1_999);
    await transport.drain();
    expect(shipping.calls).toHaveLength(3);

    later(1);
    await transport.drain();
    expect(shipping.ids()).toEqual([bad.id, good.id, bad.id, bad.id]);
    expect(await effects('t8.shipping')).toEqual(
      new Map([
        [good.id, 1],
        [bad.id, 1],
      ]),
    );
    expect(await retries('t8.shipping')).toEqual([]);
    expect(log.lines.map((line) => line.level)).toEqual(['warn', 'warn', 'info']);
    expect(log.lines[0]?.details).toMatchObject({ consumer: 't8.shipping', eventId: bad.id, attempts: 1, retryInMs: 1_000 });
  });

  test('an event that always fails ends in dead_letters after maxAttempts', async () => {
    const broken = recorder('t9.broken', ['t9.poison', 't9.fine'], (event) => {
      if (event.type === 't9.poison') throw new Error('always fails');
    });
    const log = memoryLog();
    const transport = relay({ consumers: [broken.consumer], maxAttempts: 3, backoff: () => 0, log });
    const poison = await publish('t9.poison', { sku: 'x' });
    const fine = await publish('t9.fine');
    await transport.drain();

    expect(broken.ids()).toEqual([poison.id, fine.id, poison.id, poison.id]);
    expect(await effects('t9.broken')).toEqual(new Map([[fine.id, 1]]));
    expect(await retries('t9.broken')).toEqual([]);
    const dead = await sql`select consumer, event_id, type, data, attempts, last_error from tokobapak.dead_letters where consumer = 't9.broken'`.execute(db);
    expect(dead.rows).toEqual([
      { consumer: 't9.broken', event_id: poison.id, type: 't9.poison', data: { sku: 'x' }, attempts: 3, last_error: expect.stringContaining('always fails') },
    ]);
    expect(log.lines.map((line) => line.level)).toEqual(['warn', 'warn', 'error']);

    // Nothing more happens to it.
    await transport.drain();
    expect(broken.calls).toHaveLength(4);
  });
});

describe('concurrency', () => {
  test('two relays on one database never process an event twice', async () => {
    // On PostgreSQL the second relay has its own connection pool, like a second process.
    const other: Database = onPostgres() ? await openDatabase({ url: database.url, poolSize: 4 }) : database;
    try {
      const consumersOf = (tag: string) =>
        ['t10.stock', 't10.search'].map((name) => {
          const made = recorder(name, ['t10.changed'], async () => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
          });
          return { ...made, tag };
        });
      const onA = consumersOf('a');
      const onB = consumersOf('b');
      const a = relay({ consumers: onA.map((made) => made.consumer), pollIntervalMs: 5 });
      const b = relay({ db: other.db, consumers: onB.map((made) => made.consumer), pollIntervalMs: 5 });
      a.start();
      b.start();

      const published: string[] = [];
      for (let batch = 0; batch < 10; batch++) {
        const events = await db
          .transaction()
          .execute(async (trx) => [
            await writeToOutbox(trx, 'test', { type: 't10.changed', data: { batch, n: 1 } }),
            await writeToOutbox(trx, 'test', { type: 't10.changed', data: { batch, n: 2 } }),
            await writeToOutbox(trx, 'test', { type: 't10.changed', data: { batch, n: 3 } }),
          ]);
        published.push(...events.map((event) => event.id));
        a.nudge();
        b.nudge();
      }
      await Promise.all([a.drain(), b.drain()]);

      for (const name of ['t10.stock', 't10.search']) {
        const handled = [...onA, ...onB].filter((made) => made.consumer.name === name).flatMap((made) => made.ids());
        expect(handled.sort()).toEqual([...published].sort());
        const counts = await effects(name);
        expect(counts.size).toBe(published.length);
        expect([...counts.values()].every((count) => count === 1)).toBe(true);
      }
    } finally {
      await Promise.all(relays.splice(0).map((transport) => transport.stop()));
      if (other !== database) await other.close();
    }
  });

  test.skipIf(!process.env.DATABASE_URL)(
    'overlapping publishers that commit out of order are each delivered once, none skipped (PostgreSQL only: PGlite has one connection)',
    async () => {
      const feed = recorder('t11.feed', ['t11.posted']);
      const transport = relay({ consumers: [feed.consumer] });

      // Inserted in order, committed in reverse. An outbox row goes out with its transaction's next
      // statement (it rides along, statements-ahead.ts): the read after each sends it now.
      const first = await db.startTransaction().execute();
      const e1 = await writeToOutbox(first, 'test', { type: 't11.posted', data: { n: 1 } });
      await sql`select pg_current_xact_id()`.execute(first);
      const second = await db.startTransaction().execute();
      const e2 = await writeToOutbox(second, 'test', { type: 't11.posted', data: { n: 2 } });
      await sql`select pg_current_xact_id()`.execute(second);
      await second.commit().execute();
      // e2 waits: its transaction is younger than one still running, and drain() says so.
      await expect(transport.drain(200)).rejects.toThrow(/1 committed event\(s\) wait for transaction \d+, which is still running/);
      expect(feed.calls).toEqual([]);
      await first.commit().execute();
      await transport.drain();
      expect(feed.ids()).toEqual([e1.id, e2.id]);

      // The late committer holds the older transaction id but writes the larger row id: ordering
      // by row id alone would deliver e4, move past it, and never see e3.
      const late = await db.startTransaction().execute();
      await sql`select pg_current_xact_id()`.execute(late);
      const early = await db.startTransaction().execute();
      const e4 = await writeToOutbox(early, 'test', { type: 't11.posted', data: { n: 4 } });
      await early.commit().execute();
      await expect(transport.drain(200)).rejects.toThrow(/still running/);
      expect(feed.calls).toHaveLength(2);
      const e3 = await writeToOutbox(late, 'test', { type: 't11.posted', data: { n: 3 } });
      await late.commit().execute();
      await transport.drain();

      expect(feed.ids()).toEqual([e1.id, e2.id, e3.id, e4.id]);
      const counts = await effects('t11.feed');
      expect([...counts.values()]).toEqual([1, 1, 1, 1]);
    },
  );
});

describe('batches', () => {
  test('events of types a consumer does not want cost it nothing each: the statements do not grow with them', async () => {
    const counted = countingHandle();
    const picky = recorder('b1.picky', ['b1.wanted']);
    const transport = relay({ db: counted.db, consumers: [picky.consumer] });
    // The first delivery also creates the consumer's offset row: not part of what is measured.
    await publishAll(['b1.other']);
    await transport.drain();

    const first = await publishAll([...repeat('b1.other', 500), 'b1.wanted', ...repeat('b1.other', 500), 'b1.wanted']);
    counted.reset();
    await transport.drain();
    const forOneThousand = counted.statements();

    const second = await publishAll([...repeat('b1.other', 2_500), 'b1.wanted', ...repeat('b1.other', 2_500), 'b1.wanted']);
    counted.reset();
    await transport.drain();
    const forFiveThousand = counted.statements();

    const wanted = [...first, ...second].filter((event) => event.type === 'b1.wanted');
    expect(picky.ids()).toEqual(wanted.map((event) => event.id));
    expect(await processed('b1.picky')).toBe(4);
    // Both drains read one batch and deliver it in one transaction: the same statements, whether
    // 1,000 or 5,000 unwanted events lie between the offset and the head of the outbox. (On a
    // shared PostgreSQL a drain may pass once more, a few statements, while another session's
    // transaction holds events back.)
    expect(Math.abs(forFiveThousand - forOneThousand)).toBeLessThan(10);
    expect(forOneThousand).toBeLessThan(20);
  });

  test('consumers with nothing of their types waiting pass over new events together: the statements do not grow with them', async () => {
    const counted = countingHandle();
    const wanting = recorder('b5.wanting', ['b5.wanted']);
    const idle = (count: number) => Array.from({ length: count }, (_, n) => recorder(`b5.idle-${count}-${n}`, [`b5.never-${n}`]));
    const few = idle(2);
    const many = idle(30);
    const drained = async (consumers: Consumer[]) => {
      const transport = relay({ db: counted.db, consumers });
      // The first pass creates the offset rows: not part of what is measured.
      await publishAll(['b5.other']);
      await transport.drain();
      const event = await publish('b5.wanted');
      counted.reset();
      await transport.drain();
      await transport.stop();
      return { event, statements: counted.statements() };
    };
    const withFew = await drained([wanting.consumer, ...few.map((entry) => entry.consumer)]);
    const withMany = await drained([wanting.consumer, ...many.map((entry) => entry.consumer)]);

    expect(wanting.ids()).toEqual([withFew.event.id, withMany.event.id]);
    expect([...few, ...many].flatMap((entry) => entry.calls)).toEqual([]);
    // Every offset of the last relay's consumers is at the head of the outbox: the idle ones moved past the events too.
    const behind = await sql<{ consumer: string }>`
      select consumer from tokobapak.consumer_offsets o
      where (consumer like 'b5.idle-30-%' or consumer = 'b5.wanting')
        and (o.last_tx_id, o.last_id) < (select tx_id, id from tokobapak.outbox order by tx_id desc, id desc limit 1)
    `.execute(db);
    expect(behind.rows).toEqual([]);
    // The wanting consumer's delivery and one shared skip: thirty idle consumers cost what two do
    // (a delivery each would be three statements or more per idle consumer; the slack is for a
    // drain that passes once more while another session's transaction holds events back).
    expect(withMany.statements).toBeLessThan(withFew.statements + 10);
  });

  test('a delivery sends one statement before its handlers, and consumers passing over the events none of their own', async () => {
    const counted = countingHandle();
    const wanting = recorder('b6.wanting', ['b6.wanted']);
    const idle = recorder('b6.idle', ['b6.never']);
    const transport = relay({ db: counted.db, consumers: [wanting.consumer, idle.consumer] });
    // The first pass creates the offset rows: not part of what is measured.
    await publishAll(['b6.other']);
    await transport.drain();

    const [event] = await publishAll(['b6.wanted', 'b6.other']);
    counted.reset();
    await transport.drain();
    expect(wanting.ids()).toEqual([event?.id]);
    expect(idle.calls).toEqual([]);
    // Each pass costs its standings read (which also moves the idle consumer past the events) and
    // drain()'s look for held-back events, however many passes a shared PostgreSQL needs. The rest
    // is the delivery: lock, read and claim in one statement, the handler's insert, the offset move.
    const perPass = (text: string) => text.includes('with head as') || text.includes('pg_xact_status');
    const delivery = counted.texts().filter((text) => !perPass(text));
    expect(delivery).toHaveLength(3);
    const offsets = await sql<{ consumer: string }>`
      select consumer from tokobapak.consumer_offsets o
      where consumer like 'b6.%' and (o.last_tx_id, o.last_id) < (select tx_id, id from tokobapak.outbox order by tx_id desc, id desc limit 1)
    `.execute(db);
    expect(offsets.rows).toEqual([]);
  });

  test('a consumer handles many events per transaction: bookkeeping statements per batch, not per event', async () => {
    const counted = countingHandle();
    const bulk = recorder('b2.bulk', ['b2.item']);
    const transport = relay({ db: counted.db, consumers: [bulk.consumer], batchSize: 100 });
    const events = await publishAll(repeat('b2.item', 300));

    counted.reset();
    await transport.drain();
    expect(bulk.ids()).toEqual(events.map((event) => event.id));
    expect(await effects('b2.bulk')).toEqual(new Map(events.map((event) => [event.id, 1])));
    // 300 handler inserts, plus a few statements for each of the three batches and the empty pass
    // (and a few more for a drain that passes again on a shared PostgreSQL): not two per event.
    const bookkeeping = counted.statements() - 300;
    expect(bookkeeping).toBeLessThan(50);
  });

  test('a handler failing in the middle of a batch sets back only its event: the others commit once, in order, and later events flow', async () => {
    const events = await publishAll(repeat('b3.paid', 10));
    const bad = events[4] as EventEnvelope;
    const shipping = recorder('b3.shipping', ['b3.paid'], (event) => {
      if (event.id === bad.id) throw new Error('carrier unavailable');
    });
    const transport = relay({ consumers: [shipping.consumer], backoff: () => 60_000 });
    await transport.drain();

    const good = events.filter((event) => event.id !== bad.id);
    expect(await effects('b3.shipping')).toEqual(new Map(good.map((event) => [event.id, 1])));
    // The failed handler ran once; the four before it ran again after the roll-back, the five after it once.
    expect(shipping.calls.filter((event) => event.id === bad.id)).toHaveLength(1);
    expect(shipping.ids()).toEqual([...events.slice(0, 5), ...events.slice(0, 4), ...events.slice(5)].map((event) => event.id));
    const retry = await sql<{ event_id: string; attempts: number; last_error: string }>`
      select event_id, attempts, last_error from tokobapak.consumer_retries where consumer = 'b3.shipping'
    `.execute(db);
    expect(retry.rows).toEqual([{ event_id: bad.id, attempts: 1, last_error: expect.stringContaining('carrier unavailable') }]);

    const [later] = await publishAll(['b3.paid']);
    await transport.drain();
    expect((await effects('b3.shipping')).get(later?.id as string)).toBe(1);
  });

  test('stop() during a batch commits the events handled so far and leaves the rest to the next delivery', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events = await publishAll(repeat('b4.slow', 5));
    const slow = recorder('b4.slow', ['b4.slow'], (_event, call) => (call === 2 ? gate : undefined));
    const transport = relay({ consumers: [slow.consumer] });
    transport.start();
    while (slow.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const stopped = transport.stop();
    release();
    await stopped;
    expect(slow.ids()).toEqual(events.slice(0, 2).map((event) => event.id));
    expect(await processed('b4.slow')).toBe(2);

    const next = recorder('b4.slow', ['b4.slow']);
    await relay({ consumers: [next.consumer] }).drain();
    expect(next.ids()).toEqual(events.slice(2).map((event) => event.id));
    expect(await effects('b4.slow')).toEqual(new Map(events.map((event) => [event.id, 1])));
  });
});

describe('prompt delivery', () => {
  test('a prompt consumer gets the events a nudge names at once, even while an older transaction holds the relay back; the relay then passes them over', async () => {
    const payments = recorder('p1.payments', ['p1.paid']);
    const promptPayments: Consumer = { ...payments.consumer, prompt: true };
    const audit = recorder('p1.audit', ['p1.paid']);
    const transport = relay({ consumers: [promptPayments, audit.consumer], pollIntervalMs: 60_000 });
    transport.start();
    await transport.drain();

    // On PostgreSQL an older transaction that has written keeps the relay from reading anything
    // committed after it (PGlite has one connection: nothing can stay open meanwhile).
    const older = onPostgres() ? await db.startTransaction().execute() : undefined;
    if (older) await sql`select pg_current_xact_id()`.execute(older);
    const paid = await publish('p1.paid', { amount: 1 });
    transport.nudge([paid]);
    await waitUntil(() => payments.calls.length === 1);
    expect(payments.ids()).toEqual([paid.id]);
    // As the relay would hand it over, payload read back from the outbox included.
    expect(payments.calls[0]).toEqual(paid);
    if (older) {
      await expect(transport.drain(200)).rejects.toThrow(/still running/);
      // Only the consumer that asked for it is served out of turn.
      expect(audit.calls).toEqual([]);
      await older.commit().execute();
    }

    await transport.drain();
    expect(payments.ids()).toEqual([paid.id]);
    expect(audit.ids()).toEqual([paid.id]);
    expect(await effects('p1.payments')).toEqual(new Map([[paid.id, 1]]));
    // The relay moved its offset past the event it found claimed.
    const standing = await sql<{ matches: boolean }>`
      select (o.last_tx_id, o.last_id) = (e.tx_id, e.id) as matches
      from tokobapak.consumer_offsets o, tokobapak.outbox e
      where o.consumer = 'p1.payments' and e.event_id = ${paid.id}
    `.execute(db);
    expect(standing.rows[0]?.matches).toBe(true);
  });

  test('a prompt delivery that fails leaves the event to the relay, which delivers it once, in its turn', async () => {
    const flaky = recorder('p2.flaky', ['p2.paid'], (_event, call) => {
      if (call === 1) throw new Error('database hiccup');
    });
    const transport = relay({ consumers: [{ ...flaky.consumer, prompt: true }], pollIntervalMs: 60_000 });
    transport.start();
    await transport.drain();

    const paid = await publish('p2.paid');
    transport.nudge([paid]);
    await transport.drain();
    expect(flaky.ids()).toEqual([paid.id, paid.id]);
    expect(await effects('p2.flaky')).toEqual(new Map([[paid.id, 1]]));
    // The relay's own delivery succeeded: nothing to retry.
    expect(await retries('p2.flaky')).toEqual([]);
  });

  test('a commit that published many events of its types leaves them to the relay, and a relay not started delivers nothing by itself', async () => {
    const bulk = recorder('p3.bulk', ['p3.imported']);
    const stopped = relay({ consumers: [{ ...bulk.consumer, prompt: true }], pollIntervalMs: 60_000 });
    const one = await publish('p3.imported');
    stopped.nudge([one]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bulk.calls).toEqual([]);

    const transport = relay({ consumers: [{ ...bulk.consumer, prompt: true }], pollIntervalMs: 60_000 });
    transport.start();
    await transport.drain();
    expect(bulk.ids()).toEqual([one.id]);

    const older = onPostgres() ? await db.startTransaction().execute() : undefined;
    if (older) await sql`select pg_current_xact_id()`.execute(older);
    const many = await publishAll(repeat('p3.imported', 11));
    transport.nudge(many);
    if (older) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(bulk.calls).toHaveLength(1);
      await older.commit().execute();
    }
    await transport.drain();
    expect(bulk.ids()).toEqual([one.id, ...many.map((event) => event.id)]);
  });
});
