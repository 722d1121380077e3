import { sql } from 'kysely';
import type { TokoBapakServer } from '../create-server.js';

/** One outbox row as tests read it. */
export interface OutboxEvent {
  type: string;
  source: string;
  subject: string | null;
  data: Record<string, unknown>;
}

/**
 * Every event of the given types in `tokobapak.outbox` (only those about `subject`, when given), in
 * the order they were written: what a service published, whether or not anyone consumed it.
 *
 * @example
 * expect(await outboxEvents(server, ['cart.checked-out'], { subject: cartId })).toHaveLength(1);
 */
export async function outboxEvents(server: Pick<TokoBapakServer, 'database'>, types: string[], filter: { subject?: string } = {}): Promise<OutboxEvent[]> {
  if (types.length === 0) return [];
  const subject = filter.subject === undefined ? sql`true` : sql`subject = ${filter.subject}`;
  const result = await sql<OutboxEvent>`
    select type, source, subject, data from tokobapak.outbox
    where type in (${sql.join(types)}) and ${subject}
    order by id
  `.execute(server.database.db);
  return result.rows.map((row) => ({ ...row, data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data }));
}
