import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import { eventsMigration } from '../../src/events/index.js';
import { openTestDatabase } from '../../src/testing/test-database.js';

/** A node of PostgreSQL's plan as `explain (format json)` gives it (PGlite's too). */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

/**
 * How the planned statement reads `tokobapak.outbox`: the node type of each scan of it (an index
 * scan, a seq scan …), for tests that the relay's reads start at an offset in the index instead of
 * walking the kept outbox.
 */
export async function outboxScans(db: Kysely<any>, statement: RawBuilder<unknown>): Promise<string[]> {
  const compiled = statement.compile(db);
  const explained = await db.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
  const raw = explained.rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  return nodes(plan[0]?.Plan as PlanNode)
    .filter((node) => node['Relation Name'] === 'outbox')
    .map((node) => node['Node Type']);
}

/**
 * A test database with the platform's event tables and 5,000 events kept in the outbox that no
 * consumer wants, as under load: a read that walks the outbox instead of starting at an offset has
 * something to walk.
 */
export async function databaseWithKeptOutbox(): Promise<Awaited<ReturnType<typeof openTestDatabase>>> {
  const database = await openTestDatabase();
  await eventsMigration.up(database.db);
  await sql`
    insert into tokobapak.outbox (event_id, type, source, subject, "time", data)
    select 'evt_' || n, 'noise.happened', 'test', null, now(), '{}'::jsonb from generate_series(1, 5000) as n
  `.execute(database.db);
  return database;
}
