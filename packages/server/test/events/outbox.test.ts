import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type EventEnvelope, eventsMigration, writeManyToOutbox, writeToOutbox } from '../../src/events/index.js';
import { openTestDatabase } from '../../src/testing/test-database.js';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let database: TestDatabase;

// The way the runtime migrates: a migrator bound to a handle scoped to the schema.
function migrator(): Migrator {
  return new Migrator({
    db: database.db.withSchema('tokobapak'),
    provider: { getMigrations: async () => ({ '0002_events': eventsMigration }) },
    migrationTableSchema: 'tokobapak',
  });
}

async function outboxRows() {
  const result = await sql<{ event_id: string; type: string; source: string; subject: string | null; data: unknown; tx_id: string }>`
    select event_id, type, source, subject, data, tx_id::text as tx_id from tokobapak.outbox order by id
  `.execute(database.db);
  return result.rows;
}

beforeAll(async () => {
  database = await openTestDatabase();
  await sql`create schema tokobapak`.execute(database.db);
  const { error } = await migrator().migrateToLatest();
  if (error) throw error;
});

afterAll(async () => {
  await database?.close();
});

describe('eventsMigration', () => {
  test('creates the outbox and the relay tables in schema tokobapak, and drops them again', async () => {
    const tables = async () => {
      const result = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'tokobapak' order by table_name
      `.execute(database.db);
      return result.rows.map((row) => row.table_name);
    };
    const events = ['consumer_offsets', 'consumer_retries', 'dead_letters', 'outbox', 'processed_events'];
    expect(await tables()).toEqual(expect.arrayContaining(events));

    const down = await migrator().migrateDown();
    expect(down.error).toBeUndefined();
    expect((await tables()).filter((name) => events.includes(name))).toEqual([]);

    const up = await migrator().migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await tables()).toEqual(expect.arrayContaining(events));
  });
});

describe('writeToOutbox', () => {
  test('writes a CloudEvents envelope stamped with its transaction id', async () => {
    const time = new Date('2026-11-24T03:00:00.123Z');
    const envelope = await database.db
      .transaction()
      .execute((trx) => writeToOutbox(trx, 'user', { type: 'user.deleted', subject: 'usr_1', data: { userId: 'usr_1' } }, time));
    expect(envelope).toEqual<EventEnvelope>({
      specversion: '1.0',
      id: expect.stringMatching(/^evt_[0-9a-hjkmnp-tv-z]{26}$/),
      type: 'user.deleted',
      source: 'user',
      time: '2026-11-24T03:00:00.123Z',
      subject: 'usr_1',
      data: { userId: 'usr_1' },
    });
    const row = (await outboxRows()).find((candidate) => candidate.event_id === envelope.id);
    expect(row).toMatchObject({ type: 'user.deleted', source: 'user', subject: 'usr_1', data: { userId: 'usr_1' } });
    expect(BigInt(row?.tx_id ?? '0')).toBeGreaterThan(0n);
  });

  test('writes to tokobapak.outbox from a handle scoped to another schema', async () => {
    await sql`create schema auth`.execute(database.db);
    await sql`create table auth.outbox (id int)`.execute(database.db);
    const scoped = database.db.withSchema('auth');
    const envelope = await scoped.transaction().execute((trx) => writeToOutbox(trx, 'auth', { type: 'auth.scoped', data: null }));
    expect((await outboxRows()).map((row) => row.event_id)).toContain(envelope.id);
    const decoy = await sql<{ count: number }>`select count(*)::int as count from auth.outbox`.execute(database.db);
    expect(decoy.rows[0]?.count).toBe(0);
  });

  test('keeps arrays and missing data as JSON, and an absent subject as null', async () => {
    const list = await writeToOutbox(database.db, 'cart', { type: 'cart.lines', data: [1, 'two', { three: 3 }] });
    const empty = await writeToOutbox(database.db, 'cart', { type: 'cart.empty', data: undefined });
    const rows = await outboxRows();
    expect(rows.find((row) => row.event_id === list.id)).toMatchObject({ data: [1, 'two', { three: 3 }], subject: null });
    expect(rows.find((row) => row.event_id === empty.id)).toMatchObject({ data: null });
  });

  test('rolls back with its transaction', async () => {
    let id = '';
    await expect(
      database.db.transaction().execute(async (trx) => {
        id = (await writeToOutbox(trx, 'order', { type: 'order.placed', data: {} })).id;
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(id).not.toBe('');
    expect((await outboxRows()).map((row) => row.event_id)).not.toContain(id);
  });

  test('gives every row of one transaction the same transaction id, and a later transaction a larger one', async () => {
    const [first, second] = await database.db
      .transaction()
      .execute(async (trx) => [
        await writeToOutbox(trx, 'order', { type: 'order.a', data: {} }),
        await writeToOutbox(trx, 'order', { type: 'order.b', data: {} }),
      ]);
    const third = await writeToOutbox(database.db, 'order', { type: 'order.c', data: {} });
    const rows = await outboxRows();
    const txOf = (id: string | undefined) => BigInt(rows.find((row) => row.event_id === id)?.tx_id ?? '0');
    expect(txOf(first?.id)).toBe(txOf(second?.id));
    expect(txOf(third.id)).toBeGreaterThan(txOf(first?.id));
  });
});

describe('writeManyToOutbox', () => {
  test('writes 2,500 events in their order, across statements, in one transaction', async () => {
    const events = Array.from({ length: 2_500 }, (_, i) => ({ type: 'inventory.stock-changed', subject: `var_${i}`, data: { i } }));
    const envelopes = await database.db.transaction().execute((trx) => writeManyToOutbox(trx, 'inventory', events));
    expect(envelopes.map((envelope) => envelope.subject)).toEqual(events.map((event) => event.subject));
    const rows = (await outboxRows()).filter((row) => row.source === 'inventory');
    expect(rows.map((row) => row.event_id)).toEqual(envelopes.map((envelope) => envelope.id));
    expect(rows.map((row) => (row.data as { i: number }).i)).toEqual(events.map((_, i) => i));
    expect(new Set(rows.map((row) => row.tx_id)).size).toBe(1);
  });

  test('rolls back whole, and writes nothing for no events', async () => {
    const before = (await outboxRows()).length;
    await expect(
      database.db.transaction().execute(async (trx) => {
        await writeManyToOutbox(trx, 'order', [
          { type: 'order.placed', data: {} },
          { type: 'order.paid', data: {} },
        ]);
        throw new Error('stock ran out');
      }),
    ).rejects.toThrow('stock ran out');
    expect(await writeManyToOutbox(database.db, 'order', [])).toEqual([]);
    expect((await outboxRows()).length).toBe(before);
  });
});
