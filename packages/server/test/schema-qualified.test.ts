import { type Compilable, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qualifiedBySchema, schemaQualifyingDialect } from '../src/schema-qualified.js';
import { openTestDatabase } from '../src/testing/test-database.js';

// A service's statements name their tables bare and run in the service's schema. The runtime marks
// them with the schema and qualifies the names while compiling, instead of Kysely's `withSchema`
// rebuilding every query first; the SQL must be the very text `withSchema` gives, for every shape
// the services write (CTEs, joins, subqueries, row aggregates, locking clauses, raw fragments, DDL).

interface Tables {
  carts: { id: string; status: string; customer_id: string; updated_at: Date };
  lines: { cart_id: string; variant_id: string; quantity: number };
  history: { cart_id: string; status: string };
  'tokobapak.outbox': { id: number; type: string };
}

const compileOnly = new Kysely<Tables>({
  dialect: schemaQualifyingDialect({
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }),
});

const shapes: Record<string, (db: Kysely<Tables>) => Compilable<unknown>> = {
  'select, where on a qualified column': (db) => db.selectFrom('carts').select(['carts.id', 'status']).where('carts.customer_id', '=', 'c1'),
  'join with an alias': (db) =>
    db.selectFrom('carts as c').innerJoin('lines as l', 'l.cart_id', 'c.id').select(['c.id', 'l.quantity']).where('c.status', '=', 'open'),
  'a CTE name stays bare, its tables do not': (db) =>
    db
      .with('stamped', (qb) => qb.updateTable('carts').set({ status: 'x' }).where('carts.id', '=', 'a').returning('carts.id'))
      .insertInto('history')
      .columns(['cart_id', 'status'])
      .expression((eb) => eb.selectFrom('stamped').select(['stamped.id', sql.lit('x').as('status')])),
  'a row aggregate over a subquery alias': (db) =>
    db.selectFrom('carts').select((eb) => [
      'carts.id',
      eb
        .selectFrom((sub) => sub.selectFrom('lines').selectAll('lines').whereRef('lines.cart_id', '=', 'carts.id').as('agg'))
        .select(sql<unknown>`coalesce(json_agg(agg), '[]')`.as('lines'))
        .as('lines'),
    ]),
  'json_agg of a table reference through the function builder': (db) =>
    db
      .selectFrom('carts')
      .innerJoin('lines', 'lines.cart_id', 'carts.id')
      .select((eb) => ['carts.id', eb.fn.jsonAgg('lines').as('lines')])
      .groupBy('carts.id'),
  'to_json of a table reference': (db) => db.selectFrom('carts').select((eb) => eb.fn.toJson('carts').as('cart')),
  'for update of a table': (db) => db.selectFrom('carts').innerJoin('lines', 'lines.cart_id', 'carts.id').select('carts.id').forUpdate(['carts']),
  'exists subquery referring to the outer table': (db) =>
    db
      .selectFrom('carts')
      .select('id')
      .where((eb) => eb.exists(eb.selectFrom('lines').select('lines.quantity').whereRef('lines.cart_id', '=', 'carts.id'))),
  'insert on conflict update': (db) =>
    db
      .insertInto('lines')
      .values({ cart_id: 'a', variant_id: 'v', quantity: 1 })
      .onConflict((oc) => oc.columns(['cart_id', 'variant_id']).doUpdateSet((eb) => ({ quantity: eb('lines.quantity', '+', eb.ref('excluded.quantity')) })))
      .returningAll(),
  'update from another table': (db) =>
    db.updateTable('lines').set({ quantity: 0 }).from('carts').whereRef('carts.id', '=', 'lines.cart_id').where('carts.status', '=', 'done'),
  'delete using': (db) => db.deleteFrom('lines').using('carts').whereRef('carts.id', '=', 'lines.cart_id').where('carts.status', '=', 'gone'),
  'raw fragments inside a statement': (db) =>
    db
      .selectFrom('carts')
      .select(sql<number>`(select count(*) from ${sql.table('lines')} where ${sql.ref('lines.cart_id')} = ${sql.ref('carts.id')})`.as('n'))
      .where(sql<boolean>`${sql.ref('carts.status')} = ${'open'}`),
  'a table already in another schema': (db) =>
    db.selectFrom('tokobapak.outbox').innerJoin('carts', 'carts.id', 'tokobapak.outbox.type').select('tokobapak.outbox.id'),
  'union of two tables': (db) => db.selectFrom('carts').select('id').union(db.selectFrom('history').select('cart_id as id')),
  'a top-level raw statement': (db) => ({ compile: () => sql`select 1 from ${sql.table('carts')}`.compile(db) }),
  'create table with a foreign key': (db) =>
    db.schema
      .createTable('lines')
      .addColumn('cart_id', 'text', (c) => c.references('carts.id').onDelete('cascade'))
      .addColumn('quantity', 'integer'),
};

describe('the SQL is the text withSchema gives', () => {
  for (const [name, shape] of Object.entries(shapes)) {
    test(name, () => {
      const expected = shape(compileOnly.withSchema('cart')).compile();
      const actual = shape(qualifiedBySchema(compileOnly, 'cart')).compile();
      expect(actual.sql).toBe(expected.sql);
      expect(actual.parameters).toEqual(expected.parameters);
    });
  }

  test('the marks do not leak into unmarked statements, nor one schema into another', () => {
    const plain = shapes['join with an alias']!(compileOnly).compile().sql;
    qualifiedBySchema(compileOnly, 'cart').selectFrom('carts').selectAll().compile();
    expect(shapes['join with an alias']!(compileOnly).compile().sql).toBe(plain);
    expect(plain).not.toContain('"cart".');
    expect(qualifiedBySchema(compileOnly, 'order').selectFrom('carts').selectAll().compile().sql).toBe('select * from "order"."carts"');
    // Bound again, as with withSchema: the schema given last is the one used.
    const twice = qualifiedBySchema(qualifiedBySchema(compileOnly, 'cart'), 'order').selectFrom('carts').selectAll().compile().sql;
    expect(twice).toBe(compileOnly.withSchema('cart').withSchema('order').selectFrom('carts').selectAll().compile().sql);
  });

  test('a database opened without the marking compiler still gets its tables qualified (by withSchema)', () => {
    const foreign = new Kysely<Tables>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    expect(qualifiedBySchema(foreign, 'cart').selectFrom('carts').select('carts.id').compile().sql).toBe('select "cart"."carts"."id" from "cart"."carts"');
  });
});

describe('on the database', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    database = await openTestDatabase();
    const root = database.db as Kysely<any>;
    await sql`create schema if not exists sq_test`.execute(root);
    await sql`create table sq_test.carts (id text primary key, status text not null, customer_id text not null, updated_at timestamptz not null default now())`.execute(
      root,
    );
    await sql`create table sq_test.lines (cart_id text not null references sq_test.carts (id), variant_id text not null, quantity int not null, primary key (cart_id, variant_id))`.execute(
      root,
    );
    await sql`create table sq_test.history (cart_id text not null, status text not null)`.execute(root);
    db = qualifiedBySchema(database.db as Kysely<Tables>, 'sq_test');
  });

  afterAll(async () => {
    await sql`drop schema if exists sq_test cascade`.execute(database.db);
    await database.close();
  });

  test('statements and transactions run in the schema', async () => {
    await db.insertInto('carts').values({ id: 'c1', status: 'open', customer_id: 'u1', updated_at: new Date() }).execute();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('lines').values({ cart_id: 'c1', variant_id: 'v1', quantity: 2 }).execute();
      await trx
        .with('stamped', (qb) => qb.updateTable('carts').set({ status: 'checked' }).where('carts.id', '=', 'c1').returning('carts.id'))
        .insertInto('history')
        .columns(['cart_id', 'status'])
        .expression((eb) => eb.selectFrom('stamped').select(['stamped.id', sql.lit('checked').as('status')]))
        .execute();
    });
    const row = await db
      .selectFrom('carts')
      .innerJoin('lines', 'lines.cart_id', 'carts.id')
      .select((eb) => ['carts.status', eb.fn.jsonAgg('lines').as('lines')])
      .groupBy('carts.status')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('checked');
    expect(row.lines).toEqual([{ cart_id: 'c1', variant_id: 'v1', quantity: 2 }]);
    expect(await db.selectFrom('history').selectAll().execute()).toEqual([{ cart_id: 'c1', status: 'checked' }]);
  });
});
