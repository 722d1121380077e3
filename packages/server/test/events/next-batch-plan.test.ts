import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { lockNextBatch, nextBatchStatement } from '../../src/events/next-batch.js';
import { eventually } from '../../src/testing/eventually.js';
import type { openTestDatabase } from '../../src/testing/test-database.js';
import { databaseWithKeptOutbox, outboxScans } from './outbox-plans.js';

// A delivery starts with one statement that locks the consumer's offset and reads its batch from
// there (next-batch.ts). The offset comes from the locked row, not from a parameter: the reads must
// still start at it in the (tx_id, id) index and stop after the batch, not walk the kept outbox
// (thousands of events under load, hundreds of thousands after an import) behind or ahead of it.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Kysely<any>;

beforeAll(async () => {
  database = await databaseWithKeptOutbox();
  db = database.db;
  // Behind 5,000 kept events, a consumer at the newest of them, then a few it wants.
  await sql`
    insert into tokobapak.consumer_offsets (consumer, last_tx_id, last_id)
    values ('a', (select max(tx_id) from tokobapak.outbox), (select max(id) from tokobapak.outbox))
  `.execute(db);
  await sql`
    insert into tokobapak.outbox (event_id, type, source, subject, "time", data)
    select 'evt_wanted_' || n, 'order.confirmed', 'test', null, now(), jsonb_build_object('n', n) from generate_series(1, 3) as n
  `.execute(db);
  await sql`analyze tokobapak.outbox`.execute(db);
});

afterAll(async () => {
  await database?.close();
});

test('a delivery’s batch is read from the locked offset in the index, not by scanning the kept outbox', async () => {
  const scans = await outboxScans(db, nextBatchStatement('a', ['order.confirmed', 'payment.paid'], 100, new Date()));
  expect(scans.length).toBe(2);
  expect(scans).not.toContain('Seq Scan');

  // And it answers: the offset it locked, the three events after it (claimed), the last as the head.
  // (On a shared PostgreSQL another session's transaction may hold them back a while: nothing is
  // read, nor claimed, until it ends.)
  const batch = await eventually(async () => {
    const read = await db.transaction().execute((trx) => lockNextBatch(trx, 'a', ['order.confirmed'], 100, new Date()));
    expect(read?.rows).toHaveLength(3);
    return read;
  });
  expect(batch?.rows.map((row) => row.event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  expect(batch?.claimed).toEqual(new Set(batch?.rows.map((row) => row.event.id)));
  expect(batch?.through).toEqual(batch?.rows.at(-1)?.position);
});
