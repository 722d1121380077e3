import { CompiledQuery, type Kysely, type RawBuilder } from 'kysely';

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
