import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../src/database.js';
import { queryTemplate } from '../src/query-templates.js';
import { executeRiding } from '../src/statements-ahead.js';
import { openTestDatabase } from '../src/testing/test-database.js';

// The same file runs on PGlite and, with DATABASE_URL, on PostgreSQL, where named statements take
// their row descriptions over from their earlier runs (row-descriptions.ts): every answer must be
// what node-postgres would have parsed, run after run, whatever ran on the connection before.

interface Tables {
  parcels: { id: string; weight: string; sent_at: Date | null; label: unknown; note: string | null };
  marks: { id: number; tag: string };
}

let database: Database;
let db: Kysely<Tables>;

const parcelById = queryTemplate<Tables, { id: string }, Tables['parcels']>({
  name: 'test_parcel_by_id',
  build: (q, p) => q.selectFrom('parcels').selectAll().where('id', '=', p.id),
});

// A parcel's columns by name, of other types: a description that must not be taken for a parcel's.
const markAsParcel = queryTemplate<Tables, { id: number }, { id: number; weight: string; sent_at: string; label: string; note: number }>({
  name: 'test_mark_as_parcel',
  build: (q, p) =>
    q
      .selectFrom('marks')
      .select(['marks.id', 'marks.tag as weight', 'marks.tag as sent_at', 'marks.tag as label', 'marks.id as note'])
      .where('id', '=', p.id) as never,
});

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db as Kysely<Tables>;
  await db.schema
    .createTable('parcels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('weight', 'bigint')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('label', 'jsonb')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createTable('marks')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('tag', 'text')
    .execute();
  await db
    .insertInto('parcels')
    .values([
      { id: 'a', weight: '1200', sent_at: new Date('2026-12-07T05:00:00.123Z'), label: JSON.stringify({ to: 'Bandung' }), note: null },
      { id: 'b', weight: '9007199254740', sent_at: null, label: JSON.stringify([1, 2]), note: 'fragile' },
    ])
    .execute();
  await db.insertInto('marks').values({ id: 7, tag: 'seven' }).execute();
});
afterAll(async () => {
  await database?.close();
});

describe('rows of named statements', () => {
  test('are parsed the same on every run, on every connection, also run side by side', async () => {
    // More runs at once than the pool has connections, several rounds: every connection runs the statement often.
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => parcelById.execute(db, { id: i % 2 === 0 ? 'a' : 'b' })));
      for (const [i, rows] of answers.entries()) {
        expect(rows).toEqual(
          i % 2 === 0
            ? [{ id: 'a', weight: 1200, sent_at: new Date('2026-12-07T05:00:00.123Z'), label: { to: 'Bandung' }, note: null }]
            : [{ id: 'b', weight: 9007199254740, sent_at: null, label: [1, 2], note: 'fragile' }],
        );
        // Each row is its own object: one answer changed by its caller changes no other.
        (rows[0] as { note: string | null }).note = 'changed';
      }
    }
    expect((await parcelById.execute(db, { id: 'a' }))[0]?.note).toBeNull();
  });

  test('each named statement keeps its own parsing', async () => {
    for (let round = 0; round < 6; round++) {
      const [parcels, marks] = await Promise.all([parcelById.execute(db, { id: 'a' }), markAsParcel.execute(db, { id: 7 })]);
      expect(parcels[0]?.weight).toBe(1200);
      expect(marks).toEqual([{ id: 7, weight: 'seven', sent_at: 'seven', label: 'seven', note: 7 }]);
    }
  });

  test('a statement carried after riders that answer rows, of its columns by name or exactly, is parsed as its own', async () => {
    for (let round = 0; round < 6; round++) {
      const rows = await db.transaction().execute(async (trx) => {
        // Rows nobody reads come back ahead of the statement's own in the same answer.
        // The first has the statement's columns by name, one of another type; the second its columns exactly.
        await executeRiding(
          trx,
          sql`update marks set tag = tag where id = 7 returning 'x' as id, tag as weight, null::timestamptz as sent_at, null::jsonb as label, tag as note`,
        );
        await executeRiding(trx, sql`select id, weight, sent_at, label, note from parcels where id = 'a'`);
        return parcelById.execute(trx, { id: 'b' });
      });
      expect(rows).toEqual([{ id: 'b', weight: 9007199254740, sent_at: null, label: [1, 2], note: 'fragile' }]);
    }
  });
});
