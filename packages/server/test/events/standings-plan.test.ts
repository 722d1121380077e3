import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { standingsStatement } from '../../src/events/consumer-state.js';
import type { openTestDatabase } from '../../src/testing/test-database.js';
import { databaseWithKeptOutbox, outboxScans } from './outbox-plans.js';

// The relay asks every consumer's standing once per pass. The outbox keeps its events for the
// retention period (thousands under load); the check for a consumer must start at its offset in
// the (tx_id, id) index, not read the outbox from its beginning: that cost grew with the outbox
// and was a sixth of PostgreSQL's time in the checkout bench.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Kysely<any>;

beforeAll(async () => {
  database = await databaseWithKeptOutbox();
  db = database.db;
  // Behind 5,000 kept events no consumer below wants, then the consumers' offsets at the newest of them.
  await sql`
    insert into tokobapak.consumer_offsets (consumer, last_tx_id, last_id)
    select c, (select max(tx_id) from tokobapak.outbox), (select max(id) from tokobapak.outbox) from unnest(array['a', 'b', 'c']) as c
  `.execute(db);
  await sql`analyze tokobapak.outbox`.execute(db);
});

afterAll(async () => {
  await database?.close();
});

test('a consumer’s standing is read from its offset in the index, not by scanning the kept outbox', async () => {
  const consumers = ['a', 'b', 'c'].map((name) => ({ name, types: ['order.confirmed', 'payment.paid'] }));
  const scans = await outboxScans(db, standingsStatement(consumers, new Date(), true));
  expect(scans.length).toBeGreaterThan(0);
  expect(scans).not.toContain('Seq Scan');

  // And it still answers: nothing wanted after the offsets, nothing to skip.
  const standings = await standingsStatement(consumers, new Date(), true).execute(db);
  expect(standings.rows.map((row) => [row.consumer, row.wanted])).toEqual([
    ['a', false],
    ['b', false],
    ['c', false],
  ]);
});
