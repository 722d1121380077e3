import { type Migration, sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyMigrations, definePlugin, type Plugin } from '../src/index.js';
import { openTestDatabase } from '../src/testing/test-database.js';

// A restart skips Kysely's migrator for every schema whose migrations have all run (the migrator
// spends about a second per schema on PGlite finding that out). The shortcut must never hide a
// pending migration, nor a recorded one that the code no longer has.

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const createTable = (table: string): Migration => ({
  async up(db) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'text', (column) => column.primaryKey())
      .execute();
  },
});

function shop(migrations: Record<string, Migration>): Plugin {
  return definePlugin({
    name: 'shop-migrations',
    summary: 'migrations under test',
    spec: { openapi: '3.1.0', info: { title: 'shop', version: '1' }, paths: {} },
    handlers: {},
    migrations,
  }) as Plugin;
}

test('an up-to-date schema runs nothing, a new migration still runs, and one the code lost is still an error', async () => {
  const first = { '0001_orders': createTable('orders') };
  const applied = await applyMigrations(database.db, [shop(first)], 'up');
  expect(applied.error).toBeUndefined();
  expect(applied.results.filter((result) => result.service === 'shop-migrations')).toEqual([
    { service: 'shop-migrations', migration: '0001_orders', direction: 'up', status: 'Success' },
  ]);

  expect(await applyMigrations(database.db, [shop(first)], 'up')).toEqual({ results: [] });

  const second = { ...first, '0002_items': createTable('items') };
  expect(await applyMigrations(database.db, [shop(second)], 'up')).toEqual({
    results: [{ service: 'shop-migrations', migration: '0002_items', direction: 'up', status: 'Success' }],
  });
  await sql`select id from "shop-migrations".items`.execute(database.db);

  // Code older than the database: Kysely's migrator refuses, and the shortcut must not hide that.
  const older = await applyMigrations(database.db, [shop(first)], 'up');
  expect(older.error).toMatch(/^shop-migrations: .*0002_items/);
});
