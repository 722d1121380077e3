import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../src/database.js';
import { startEmbeddedMaintenance } from '../src/embedded-maintenance.js';
import { createTestServer } from '../src/testing/index.js';
import { openTestDatabase } from '../src/testing/test-database.js';

// PostgreSQL has autovacuum; the loop is PGlite's stand-in, so that is where it is tested.
const embedded = !process.env.DATABASE_URL;

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function tableState() {
  const result = await sql<{ reltuples: number; dead: number }>`
    select c.reltuples::float8 as reltuples, s.n_dead_tup::int as dead
    from pg_class c join pg_stat_user_tables s on s.relid = c.oid
    where s.schemaname = 'shop' and s.relname = 'orders'
  `.execute(database.db);
  return result.rows[0];
}

describe.runIf(embedded)('embedded database maintenance (PGlite has no autovacuum)', () => {
  test('analyzes a bulk-loaded table, leaves a quiet one alone, and vacuums one full of dead rows', async () => {
    await sql`create schema shop`.execute(database.db);
    await sql`create table shop.orders (id int primary key, status text not null)`.execute(database.db);
    await sql`insert into shop.orders select i, case when i % 10 = 0 then 'open' else 'done' end from generate_series(1, 5000) i`.execute(database.db);
    expect((await tableState())?.reltuples).toBe(-1);

    const maintenance = startEmbeddedMaintenance(database.db, { intervalMs: 3_600_000 });
    try {
      const first = await maintenance.runOnce();
      expect(first.analyzed).toContain('shop.orders');
      expect((await tableState())?.reltuples).toBe(5000);
      // With statistics the planner knows 'open' is a tenth of the table, not a guess.
      const plan = await sql<{ 'QUERY PLAN': string }>`explain select * from shop.orders where status = 'open'`.execute(database.db);
      expect(plan.rows[0]?.['QUERY PLAN']).toMatch(/rows=(4\d\d|5\d\d)\b/);

      expect((await maintenance.runOnce()).analyzed).not.toContain('shop.orders');

      // Counters lost (PGlite closed and reopened): a table that grew since its last ANALYZE is still seen.
      await sql`insert into shop.orders select i, 'done' from generate_series(5001, 10000) i`.execute(database.db);
      await sql`select pg_stat_reset()`.execute(database.db);
      expect((await maintenance.runOnce()).analyzed).toContain('shop.orders');
      expect((await tableState())?.reltuples).toBe(10000);

      await sql`delete from shop.orders where id > 1000`.execute(database.db);
      const afterDelete = await maintenance.runOnce();
      expect(afterDelete.vacuumed).toContain('shop.orders');
      expect((await tableState())?.dead).toBe(0);
      expect((await tableState())?.reltuples).toBe(1000);
    } finally {
      await maintenance.stop();
    }
  });

  test('a server on PGlite runs it, and stops it on close', async () => {
    const server = await createTestServer({ plugins: [], embeddedMaintenanceIntervalMs: 3_600_000 });
    try {
      expect(server.maintenance).toBeDefined();
      const pass = await server.maintenance?.runOnce();
      expect(pass?.analyzed.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});

test.runIf(!embedded)('a server on PostgreSQL leaves maintenance to autovacuum', async () => {
  const server = await createTestServer({ plugins: [], embeddedMaintenanceIntervalMs: 1_000 });
  try {
    expect(server.maintenance).toBeUndefined();
  } finally {
    await server.close();
  }
});
