import { type Generated, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../src/database.js';
import { directQueryOf, shareDirectQueries } from '../src/direct-queries.js';
import { listTemplate, queryTemplate, rowsTemplate } from '../src/query-templates.js';
import { openTestDatabase } from '../src/testing/test-database.js';

interface Tables {
  fruits: { id: number; name: string; colour: string };
  // The rows templates' tests': baskets, and the fruits packed into them.
  baskets: { id: number; label: string };
  packed: { id: number; basket_id: number; name: string; colour: Generated<string> };
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

type Basket = { basketId: number; label?: string };
type Fruit = { id: number; name: string; colour?: string };

/** How each build was called: the lists' counts, and whether it got the values or placeholders. */
function packing(builds: string[]) {
  return rowsTemplate<Tables, Basket, { fruits: Fruit; baskets: { id: number } }, { id: number }>({
    name: 'test_rows_packing',
    max: { fruits: 3, baskets: 1 },
    // A label given adds the basket's insert: another text for the same counts.
    shape: (basket) => (basket.label === undefined ? 'unlabelled' : 'labelled'),
    build: (kysely, basket, { fruits, baskets }) => {
      builds.push(`${fruits.length}/${baskets.length} ${typeof basket.basketId === 'number' ? 'values' : 'placeholders'}`);
      const inserted = kysely
        .insertInto('packed')
        .values(fruits.map((fruit) => ({ ...fruit, basket_id: basket.basketId })))
        .returning('packed.id');
      if (basket.label === undefined) return inserted;
      return kysely
        .with('inserted', () => inserted)
        .with('basket', (db) =>
          db
            .insertInto('baskets')
            .values({ id: basket.basketId, label: basket.label as string })
            .returning('baskets.id'),
        )
        .selectFrom('inserted')
        .select('inserted.id')
        .where(({ exists, selectFrom }) => exists(selectFrom('basket').select('basket.id')))
        .where(
          'inserted.id',
          'not in',
          baskets.map((excluded) => excluded.id),
        ) as never;
    },
  });
}

const fruitsOf = async (basketId: number) => db.selectFrom('packed').select(['id', 'name', 'colour']).where('basket_id', '=', basketId).orderBy('id').execute();

describe('rows templates', () => {
  beforeAll(async () => {
    await db.schema
      .createTable('baskets')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('label', 'text')
      .execute();
    await db.schema
      .createTable('packed')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('basket_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('colour', 'text', (c) => c.notNull().defaultTo('green'))
      .execute();
  });

  test('compile once per count of each list and extra shape, binding every value and every row field anew', async () => {
    const builds: string[] = [];
    const pack = packing(builds);
    const fruit = (id: number, name: string, colour: string) => ({ id, name, colour });
    // Two fruits a basket: the same count each time, and a label (another shape) the last two.
    const packings = [
      { basket: { basketId: 1 }, fruits: [fruit(1, 'salak', 'brown'), fruit(2, 'duku', 'yellow')], excluded: [], answer: [1, 2] },
      { basket: { basketId: 2 }, fruits: [fruit(3, 'jambu', 'red'), fruit(4, 'manggis', 'purple')], excluded: [], answer: [3, 4] },
      { basket: { basketId: 3, label: 'pasar' }, fruits: [fruit(5, 'rambutan', 'red'), fruit(6, 'sawo', 'brown')], excluded: [5], answer: [6] },
      { basket: { basketId: 4, label: 'kebun' }, fruits: [fruit(7, 'nangka', 'yellow'), fruit(8, 'kedondong', 'green')], excluded: [8], answer: [7] },
    ];
    for (const { basket, fruits, excluded, answer } of packings) {
      const rows = await pack(db, basket, { fruits, baskets: excluded.map((id) => ({ id })) });
      expect(rows.map((row) => row.id).sort()).toEqual(answer);
    }
    expect(builds).toEqual(['2/0 placeholders', '2/1 placeholders']);
    expect(await fruitsOf(2)).toEqual([
      { id: 3, name: 'jambu', colour: 'red' },
      { id: 4, name: 'manggis', colour: 'purple' },
    ]);
    expect(await db.selectFrom('baskets').selectAll().orderBy('id').execute()).toEqual([
      { id: 3, label: 'pasar' },
      { id: 4, label: 'kebun' },
    ]);
  });

  test('a list longer than its max, or an undefined value, is built for itself from the values, as Kysely would', async () => {
    const builds: string[] = [];
    const pack = packing(builds);
    const four = [10, 11, 12, 13].map((id) => ({ id, name: `buah ${id}`, colour: 'red' }));
    expect(await pack(db, { basketId: 10 }, { fruits: four, baskets: [] })).toHaveLength(4);
    expect(await pack(db, { basketId: 11 }, { fruits: four.map((fruit) => ({ ...fruit, id: fruit.id + 10 })), baskets: [] })).toHaveLength(4);
    expect((await fruitsOf(11)).map((fruit) => fruit.id)).toEqual([20, 21, 22, 23]);
    // No colour: the placeholder it would bind cannot ask for the column's default; Kysely's insert does.
    await pack(
      db,
      { basketId: 12 },
      {
        fruits: [
          { id: 30, name: 'sirsak' },
          { id: 31, name: 'salak', colour: undefined },
        ],
        baskets: [],
      },
    );
    expect(await fruitsOf(12)).toEqual([
      { id: 30, name: 'sirsak', colour: 'green' },
      { id: 31, name: 'salak', colour: 'green' },
    ]);
    expect(builds).toEqual(['4/0 values', '4/0 values', '2/0 values']);
    // Within the bounds, with every value given, the template's compiled shape runs again.
    await pack(db, { basketId: 13 }, { fruits: [{ id: 32, name: 'kelengkeng', colour: 'brown' }], baskets: [] });
    expect(builds).toEqual(['4/0 values', '4/0 values', '2/0 values', '1/0 placeholders']);
  });

  test('a list template is the rows template of single values', async () => {
    const builds: number[] = [];
    const named = listTemplate<Tables, { name: string }>({
      name: 'test_rows_named',
      max: 2,
      build: (kysely, ids) => {
        builds.push(ids.length);
        return kysely
          .selectFrom('packed')
          .select('name')
          .where('id', 'in', ids as number[])
          .orderBy('name');
      },
    });
    expect(await named(db, [1, 2])).toEqual([{ name: 'duku' }, { name: 'salak' }]);
    expect(await named(db, [3, 4])).toEqual([{ name: 'jambu' }, { name: 'manggis' }]);
    expect(await named(db, [1, 3, 4])).toEqual([{ name: 'jambu' }, { name: 'manggis' }, { name: 'salak' }]);
    expect(builds).toEqual([2, 3]);
  });

  test.runIf(process.env.DATABASE_URL)('on PostgreSQL each compiled count is one named statement; a statement past the bound is not', async () => {
    const pack = packing([]);
    const fruits = (ids: number[]) => ids.map((id) => ({ id, name: `buah ${id}`, colour: 'red' }));
    await db.connection().execute(async (connection) => {
      await pack(connection, { basketId: 40 }, { fruits: fruits([40]), baskets: [] });
      await pack(connection, { basketId: 40 }, { fruits: fruits([41]), baskets: [] });
      await pack(connection, { basketId: 40 }, { fruits: fruits([42, 43]), baskets: [] });
      await pack(connection, { basketId: 40 }, { fruits: fruits([44, 45, 46, 47, 48]), baskets: [] });
      const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(connection);
      const parameters = (statement: string) => statement.match(/\$\d+/g)?.length;
      // The one-fruit and two-fruit counts (an earlier test may have prepared them on this connection too).
      const packings = prepared.rows.filter((row) => row.name.startsWith('tb_test_rows_packing_') && row.statement.startsWith('insert into "packed"'));
      expect(packings.map((row) => parameters(row.statement)).sort()).toEqual([4, 8]);
      expect(prepared.rows.filter((row) => parameters(row.statement) === 20)).toEqual([]);
    });
    expect((await fruitsOf(40)).map((fruit) => fruit.id)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48]);
  });
});
