import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { openTestDatabase } from '../src/testing/test-database.js';

test('opens a fresh, empty test database', async () => {
  const database = await openTestDatabase();
  const result = await sql<{ tables: number }>`select count(*)::int8 as tables from information_schema.tables where table_schema = 'public'`.execute(
    database.db,
  );
  expect(result.rows[0]?.tables).toBe(0);
  await database.close();
});
