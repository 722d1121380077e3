import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Database } from '../src/database.js';
import { prepareStatement } from '../src/prepared-statements.js';
import { queryTemplate } from '../src/query-templates.js';
import { executeRiding, mayRideAlong } from '../src/statements-ahead.js';
import { openTestDatabase } from '../src/testing/test-database.js';

interface Tables {
  notes: { id: number; body: string };
}

let database: Database;
let db: Kysely<Tables>;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db as Kysely<Tables>;
  await db.schema
    .createTable('notes')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('body', 'text')
    .execute();
  // More transactions than the pool has connections, so every connection has prepared its `begin`.
  await Promise.all(Array.from({ length: 12 }, () => db.transaction().execute((trx) => sql`select pg_sleep(0.01)`.execute(trx))));
});
afterAll(async () => {
  await database?.close();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.deleteFrom('notes').execute();
});

/** `now()` is the time the transaction began: two statements that read it in one transaction see one value. */
const startedAt = (trx: Kysely<Tables>, marker: number) => sql<{ t: Date }>`select now() as t, ${marker}::int as marker`.execute(trx);

describe('a transaction begins with its first statement', () => {
  test('the first statement runs inside the transaction: it sees the transaction start and rolls back with it', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        const first = await startedAt(trx, 1);
        await sql`select pg_sleep(0.02)`.execute(trx);
        const second = await startedAt(trx, 2);
        expect(first.rows[0]?.t.getTime()).toBe(second.rows[0]?.t.getTime());
        await trx.insertInto('notes').values({ id: 1, body: 'kept?' }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([]);
    // A first statement that writes rolls back as well.
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 2, body: 'first' }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([]);
  });

  test('a failing first statement leaves nothing behind and the connections stay usable', async () => {
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    for (let attempt = 0; attempt < 12; attempt++) {
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('notes').values({ id: 1, body: 'duplicate' }).execute();
          await trx.insertInto('notes').values({ id: 2, body: 'never' }).execute();
        }),
      ).rejects.toThrow(/duplicate key/);
    }
    const committed = await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ id: 3, body: 'three' }).execute();
      return trx.selectFrom('notes').select('id').orderBy('id').execute();
    });
    expect(committed).toEqual([{ id: 1 }, { id: 3 }]);
  });

  test('a prepared statement whose first run fails inside a new transaction is parsed again next time', async () => {
    const byId = queryTemplate<{ later: { id: number } }, { id: number }, { id: number }>({
      name: 'test_later',
      build: (kysely, p) => kysely.selectFrom('later').select('id').where('id', '=', p.id),
    });
    const later = db as unknown as Kysely<{ later: { id: number } }>;
    for (let attempt = 0; attempt < 12; attempt++) {
      await expect(later.transaction().execute((trx) => byId.execute(trx, { id: 1 }))).rejects.toThrow(/"later" does not exist/);
    }
    await sql`create table later (id integer primary key)`.execute(db);
    await sql`insert into later values (1)`.execute(db);
    for (let attempt = 0; attempt < 12; attempt++) {
      expect(await later.transaction().execute((trx) => byId.execute(trx, { id: 1 }))).toEqual([{ id: 1 }]);
    }
  });

  test('a first statement without parameters (a simple query) still runs after begin', async () => {
    const rows = await db.transaction().execute(async (trx) => {
      const first = await sql<{ t: Date }>`select now() as t`.execute(trx);
      await sql`select pg_sleep(0.02)`.execute(trx);
      const second = await startedAt(trx, 2);
      return [first.rows[0]?.t.getTime(), second.rows[0]?.t.getTime()];
    });
    expect(rows[0]).toBe(rows[1]);
  });

  test.runIf(process.env.DATABASE_URL)('on PostgreSQL, begin costs no round trip of its own, and an empty transaction sends nothing', async () => {
    const sent = recordSent();
    prepareStatement('test_note', 'select "body" from "notes" where "id" = $1');
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ id: 5, body: 'five' }).execute();
      await trx.selectFrom('notes').select('body').where('id', '=', 5).execute();
    });
    expect(sent).toEqual(['insert into "notes" ("id", "body") values ($1, $2)', 'select "body" from "notes" where "id" = $1', 'commit']);
    sent.length = 0;
    await db.transaction().execute(async () => undefined);
    expect(sent).toEqual([]);
    expect(await db.selectFrom('notes').select('body').execute()).toEqual([{ body: 'five' }]);
  });
});

/** What each node-postgres `query` call sent (one round trip each), by text; recorded from the call on. */
function recordSent(): string[] {
  const sent: string[] = [];
  const send = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    sent.push(typeof config === 'string' ? config : String(config.text));
    return (send as (...rest: unknown[]) => unknown).apply(this, args) as never;
  });
  return sent;
}

// A statement whose answer is never read, as an outbox row's: it may ride along with the next one.
const RIDER = 'insert into notes (body, id) values ($1, $2)';
mayRideAlong(RIDER);
prepareStatement('test_rider', RIDER);
const ride = (trx: Kysely<Tables>, id: number, body: string) => sql`insert into notes (body, id) values (${body}, ${id})`.execute(trx);
const onPostgres = process.env.DATABASE_URL !== undefined;

describe('a statement whose answer nobody reads rides along with the next one', () => {
  /** Runs `fn` on one pooled connection that has parsed the rider (it rides only once parsed there). */
  const onOneConnection = <T>(fn: (conn: Kysely<Tables>) => Promise<T>) =>
    db.connection().execute(async (conn) => {
      await ride(conn, 999, 'parsed here');
      await conn.deleteFrom('notes').where('id', '=', 999).execute();
      return fn(conn);
    });

  test('a rider commits with its transaction and costs no round trip of its own', async () => {
    await onOneConnection(async (conn) => {
      const sent = recordSent();
      await conn.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 1, body: 'one' }).execute();
        await ride(trx, 2, 'two');
      });
      if (onPostgres) expect(sent).toEqual(['insert into "notes" ("id", "body") values ($1, $2)', 'commit']);
      sent.length = 0;
      // A transaction of riders only is one round trip: begin, the riders and commit.
      await conn.transaction().execute(async (trx) => {
        await ride(trx, 3, 'three');
        await ride(trx, 4, 'four');
      });
      if (onPostgres) expect(sent).toEqual(['commit']);
    });
    expect(await db.selectFrom('notes').select(['id', 'body']).orderBy('id').execute()).toEqual([
      { id: 1, body: 'one' },
      { id: 2, body: 'two' },
      { id: 3, body: 'three' },
      { id: 4, body: 'four' },
    ]);
  });

  test('the statement after a rider sees it, a simple query included', async () => {
    const counts = await onOneConnection((conn) =>
      conn.transaction().execute(async (trx) => {
        await ride(trx, 1, 'one');
        const carried = await trx
          .selectFrom('notes')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('id', '>', 0)
          .execute();
        await ride(trx, 2, 'two');
        const simple = await sql<{ n: string }>`select count(*) as n from notes`.execute(trx);
        return [Number(carried[0]?.n), Number(simple.rows[0]?.n)];
      }),
    );
    expect(counts).toEqual([1, 2]);
  });

  test('a rolled-back transaction leaves its riders unwritten, and sends nothing it need not', async () => {
    await onOneConnection(async (conn) => {
      const sent = recordSent();
      await expect(
        conn.transaction().execute(async (trx) => {
          await ride(trx, 1, 'never');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      if (onPostgres) expect(sent).toEqual([]);
    });
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([]);
  });

  test('a failing rider fails its transaction at the next statement, leaves nothing behind, and the connection stays usable', async () => {
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    await onOneConnection(async (conn) => {
      await expect(
        conn.transaction().execute(async (trx) => {
          await trx.insertInto('notes').values({ id: 2, body: 'two' }).execute();
          await ride(trx, 1, 'duplicate');
        }),
      ).rejects.toThrow(/duplicate key/);
      await expect(
        conn.transaction().execute(async (trx) => {
          await ride(trx, 1, 'duplicate');
          await trx.insertInto('notes').values({ id: 3, body: 'three' }).execute();
        }),
      ).rejects.toThrow(/duplicate key/);
      await conn.transaction().execute(async (trx) => {
        await ride(trx, 4, 'four');
      });
    });
    expect(await db.selectFrom('notes').select('id').orderBy('id').execute()).toEqual([{ id: 1 }, { id: 4 }]);
  });

  test('executeRiding runs a built statement as a rider once it is named and parsed on the connection', async () => {
    const upsert = (kysely: Kysely<Tables>, id: number, body: string) =>
      executeRiding(
        kysely,
        kysely
          .insertInto('notes')
          .values({ id, body })
          .onConflict((conflict) => conflict.column('id').doUpdateSet({ body })),
      );
    await db.connection().execute(async (conn) => {
      // Sent on its own the first times: named after three runs, and parsed on this connection by the third.
      for (let run = 0; run < 3; run++) await upsert(conn, 1, `run ${run}`);
      const sent = recordSent();
      await conn.transaction().execute(async (trx) => {
        await upsert(trx, 2, 'two');
        await upsert(trx, 1, 'one again');
      });
      if (onPostgres) expect(sent).toEqual(['commit']);
    });
    expect(await db.selectFrom('notes').select(['id', 'body']).orderBy('id').execute()).toEqual([
      { id: 1, body: 'one again' },
      { id: 2, body: 'two' },
    ]);
  });

  test('a rider that answers rows (nobody reads them) rides along all the same', async () => {
    const insertReturning = 'insert into notes (id, body) values ($1, $2) returning id, body';
    mayRideAlong(insertReturning);
    prepareStatement('test_rider_rows', insertReturning);
    const rideReturning = (kysely: Kysely<Tables>, id: number) =>
      sql`insert into notes (id, body) values (${id}, ${'rows'}) returning id, body`.execute(kysely);
    await db.connection().execute(async (conn) => {
      await rideReturning(conn, 100);
      const sent = recordSent();
      const read = await conn.transaction().execute(async (trx) => {
        await rideReturning(trx, 101);
        await rideReturning(trx, 102);
        return trx.selectFrom('notes').select('id').where('id', '>=', 100).orderBy('id').execute();
      });
      expect(read).toEqual([{ id: 100 }, { id: 101 }, { id: 102 }]);
      if (onPostgres) expect(sent).toEqual(['select "id" from "notes" where "id" >= $1 order by "id"', 'commit']);
    });
  });

  test('outside a transaction a rider is sent at once', async () => {
    await onOneConnection(async (conn) => {
      const sent = recordSent();
      await ride(conn, 1, 'at once');
      if (onPostgres) expect(sent).toEqual([RIDER]);
    });
    expect(await db.selectFrom('notes').select('body').execute()).toEqual([{ body: 'at once' }]);
  });
});
