import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../src/database.js';
import { directQueryOf, shareDirectQueries } from '../src/direct-queries.js';
import { queryTemplate } from '../src/query-templates.js';
import { openTestDatabase } from '../src/testing/test-database.js';

interface Tables {
  fruits: { id: number; name: string; colour: string };
}

let database: Database;
let db: Kysely<Tables>;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db as Kysely<Tables>;
  await db.schema
    .createTable('fruits')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('colour', 'text')
    .execute();
  await db
    .insertInto('fruits')
    .values([
      { id: 1, name: 'salak', colour: 'brown' },
      { id: 2, name: 'manggis', colour: 'purple' },
      { id: 3, name: 'rambutan', colour: 'red' },
      { id: 4, name: 'jambu', colour: 'red' },
    ])
    .execute();
});
afterAll(async () => {
  await database?.close();
});

describe('query templates', () => {
  test('build each shape once and bind new values on every run', async () => {
    const builds: string[] = [];
    const fruits = queryTemplate<Tables, { colour?: string | undefined; after: number }, { id: number; name: string }>({
      name: 'test_fruits',
      shape: (values) => (values.colour === undefined ? 'all' : 'colour'),
      build: (kysely, p, values) => {
        builds.push(values.colour === undefined ? 'all' : 'colour');
        let select = kysely.selectFrom('fruits').select(['id', 'name']).where('id', '>', p.after).orderBy('id');
        if (values.colour !== undefined) select = select.where('colour', '=', p.colour);
        return select;
      },
    });
    expect(await fruits.execute(db, { colour: 'red', after: 0 })).toEqual([
      { id: 3, name: 'rambutan' },
      { id: 4, name: 'jambu' },
    ]);
    expect(await fruits.execute(db, { colour: 'red', after: 3 })).toEqual([{ id: 4, name: 'jambu' }]);
    expect(await fruits.execute(db, { colour: 'purple', after: 0 })).toEqual([{ id: 2, name: 'manggis' }]);
    expect((await fruits.execute(db, { after: 2 })).map((row) => row.id)).toEqual([3, 4]);
    expect(builds).toEqual(['colour', 'all']);
    // Constants written into the query stay in it; only placeholders change between runs.
    const constant = queryTemplate<Tables, { id: number }, { name: string }>({
      name: 'test_constant',
      build: (kysely, p) => kysely.selectFrom('fruits').select('name').where('colour', '=', 'red').where('id', '>=', p.id),
    });
    expect(await constant.execute(db, { id: 4 })).toEqual([{ name: 'jambu' }]);
  });

  test('a value its shape needs but the caller left out is a programming error, not a silent null', async () => {
    const byName = queryTemplate<Tables, { name?: string }, { id: number }>({
      name: 'test_by_name',
      build: (kysely, p) => kysely.selectFrom('fruits').select('id').where('name', '=', p.name),
    });
    await expect(byName.execute(db, {})).rejects.toThrow(/no value for placeholder name/);
  });

  test.runIf(process.env.DATABASE_URL)('on PostgreSQL each connection prepares the statement once, by a name derived from its text', async () => {
    const byId = queryTemplate<Tables, { id: number }, { name: string }>({
      name: 'test_by_id',
      build: (kysely, p) => kysely.selectFrom('fruits').select('name').where('id', '=', p.id),
    });
    // One connection for all of it: prepared statements belong to a session.
    await db.connection().execute(async (connection) => {
      for (const id of [1, 2, 3, 1]) await byId.execute(connection, { id });
      const prepared = await sql<{
        name: string;
        statement: string;
      }>`select name, statement from pg_prepared_statements where name like 'tb_test_by_id_%'`.execute(connection);
      expect(prepared.rows).toHaveLength(1);
      expect(prepared.rows[0]?.statement).toContain('from "fruits" where "id" = $1');
    });
  });

  test.runIf(process.env.DATABASE_URL)('a shape the template declines to prepare is planned on every run', async () => {
    const range = queryTemplate<Tables, { from: number; to: number }, { id: number }>({
      name: 'test_range',
      prepare: () => false,
      build: (kysely, p) => kysely.selectFrom('fruits').select('id').where('id', '>=', p.from).where('id', '<=', p.to),
    });
    await db.connection().execute(async (connection) => {
      // Run more often than an ordinary text needs to be named on the fly: a declined shape never is.
      for (let run = 0; run < 5; run += 1) expect(await range.execute(connection, { from: 2, to: 3 })).toEqual([{ id: 2 }, { id: 3 }]);
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(connection);
      expect(prepared.rows.filter((row) => row.statement.includes('"id" >= $1'))).toEqual([]);
    });
  });

  test.runIf(process.env.DATABASE_URL)('a statement that is not a template is named once it has run three times, and answers the same', async () => {
    await db.connection().execute(async (connection) => {
      const byColour = (colour: string) => connection.selectFrom('fruits').select('id').where('colour', '=', colour).orderBy('id').execute();
      const named = async () =>
        (
          await sql<{
            name: string;
            statement: string;
          }>`select name, statement from pg_prepared_statements where statement like '%where "colour" = $1 order by%'`.execute(connection)
        ).rows;
      expect(await byColour('brown')).toEqual([{ id: 1 }]);
      expect(await byColour('brown')).toEqual([{ id: 1 }]);
      expect(await named()).toEqual([]);
      for (let run = 0; run < 8; run += 1) expect(await byColour(run % 2 ? 'brown' : 'none')).toEqual(run % 2 ? [{ id: 1 }] : []);
      expect((await named()).map((row) => row.name)).toEqual([expect.stringMatching(/^tb_auto_[0-9a-f]{12}$/)]);
    });
  });

  test.runIf(process.env.DATABASE_URL)(
    "on PostgreSQL a template on the pool skips Kysely's executor; in a transaction it runs on the transaction's connection",
    async () => {
      const byId = queryTemplate<Tables, { id: number }, { name: string }>({
        name: 'test_direct_by_id',
        build: (kysely, p) => kysely.selectFrom('fruits').select('name').where('id', '=', p.id),
      });
      // The pool and a schema-bound view of it run directly; a transaction never does.
      const view = db.withSchema('public');
      shareDirectQueries(db, view);
      expect(directQueryOf(db)).toBeDefined();
      expect(directQueryOf(view)).toBe(directQueryOf(db));
      expect(await byId.execute(view, { id: 2 })).toEqual([{ name: 'manggis' }]);
      const rolledBack = new Error('roll back');
      await expect(
        db.transaction().execute(async (trx) => {
          expect(directQueryOf(trx)).toBeUndefined();
          await trx.insertInto('fruits').values({ id: 9, name: 'duku', colour: 'yellow' }).execute();
          expect(await byId.execute(trx, { id: 9 })).toEqual([{ name: 'duku' }]);
          // Another pooled connection does not see the uncommitted row.
          expect(await byId.execute(db, { id: 9 })).toEqual([]);
          throw rolledBack;
        }),
      ).rejects.toBe(rolledBack);
      // A failing statement answers PostgreSQL's error, and the pool goes on serving.
      const failing = queryTemplate<Tables, { id: string }, { name: string }>({
        name: 'test_direct_failing',
        build: (kysely, p) => kysely.selectFrom('fruits').select('name').where(sql<boolean>`id = ${p.id}::integer`),
      });
      await expect(failing.execute(db, { id: 'not a number' })).rejects.toMatchObject({ code: '22P02' });
      expect(await Promise.all([1, 2, 3, 4].map((id) => byId.execute(db, { id })))).toEqual([
        [{ name: 'salak' }],
        [{ name: 'manggis' }],
        [{ name: 'rambutan' }],
        [{ name: 'jambu' }],
      ]);
    },
  );

  test.runIf(!process.env.DATABASE_URL)('on PGlite templates go through Kysely', () => {
    expect(directQueryOf(db)).toBeUndefined();
  });

  test.runIf(process.env.DATABASE_URL)('a named statement whose columns a migration changed fails once, then runs unnamed', async () => {
    await sql`create table crates (id integer primary key, label text)`.execute(db);
    await sql`insert into crates values (1, 'salak')`.execute(db);
    await db.connection().execute(async (connection) => {
      const read = async () => (await sql<Record<string, unknown>>`select * from crates where id = ${1}`.execute(connection)).rows;
      // Named on its third run; the fourth runs the prepared plan.
      for (let run = 0; run < 4; run += 1) expect(await read()).toEqual([{ id: 1, label: 'salak' }]);
      await sql`alter table crates add column weight integer`.execute(connection);
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      expect(await read()).toEqual([{ id: 1, label: 'salak', weight: null }]);
      expect(await read()).toEqual([{ id: 1, label: 'salak', weight: null }]);
    });
  });

  test.runIf(process.env.DATABASE_URL)('with preparedStatements: false the same template runs unnamed (for poolers)', async () => {
    const url = (database as Database & { url?: string }).url as string;
    const unprepared = await openDatabase({ url, preparedStatements: false });
    try {
      const byColour = queryTemplate<Tables, { colour: string }, { id: number }>({
        name: 'test_unprepared',
        build: (kysely, p) => kysely.selectFrom('fruits').select('id').where('colour', '=', p.colour),
      });
      await (unprepared.db as Kysely<Tables>).connection().execute(async (connection) => {
        expect(await byColour.execute(connection, { colour: 'brown' })).toEqual([{ id: 1 }]);
        const prepared = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(connection);
        expect(prepared.rows).toEqual([]);
      });
    } finally {
      await unprepared.close();
    }
  });
});
