import { type Kysely, sql } from 'kysely';
import { newId } from '../ids.js';
import { executeRiding } from '../statements-ahead.js';
import type { EventEnvelope, NewEvent } from './types.js';

/**
 * Writes an event to `tokobapak.outbox` through `trx`, so it commits (or rolls back) with the change
 * it describes; the relay delivers it after commit. The table name is schema-qualified, so a handle
 * scoped to a plugin's schema (`db.withSchema('auth')`) writes to the same outbox.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await trx.deleteFrom('users').where('id', '=', userId).execute();
 *   await writeToOutbox(trx, 'user', { type: 'user.deleted', subject: userId, data: { userId } });
 * });
 */
export async function writeToOutbox<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any plugin's transaction may publish
  trx: Kysely<any>,
  source: string,
  event: NewEvent<T>,
  now: Date = new Date(),
): Promise<EventEnvelope<T>> {
  const [envelope] = await writeManyToOutbox(trx, source, [event], now);
  return envelope as EventEnvelope<T>;
}

// Six parameters a row: 1,000 rows stay far below PostgreSQL's 65,535 parameters per statement.
const ROWS_PER_STATEMENT = 1_000;

/**
 * Writes many events with one multi-row insert per thousand: a 10,000-product import publishes
 * ~20,000 events, and one statement each was most of its commit time. Rows keep the given order
 * (ids are assigned row by row), so consumers see the events in that order.
 */
export async function writeManyToOutbox<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any plugin's transaction may publish
  trx: Kysely<any>,
  source: string,
  events: Array<NewEvent<T>>,
  now: Date = new Date(),
): Promise<Array<EventEnvelope<T>>> {
  const envelopes = events.map((event): EventEnvelope<T> => {
    if (!event.type) throw new Error('an event needs a type');
    return {
      specversion: '1.0',
      id: newId('evt'),
      type: event.type,
      source,
      time: now.toISOString(),
      subject: event.subject ?? null,
      data: event.data,
    };
  });
  for (let start = 0; start < envelopes.length; start += ROWS_PER_STATEMENT) {
    const rows = envelopes.slice(start, start + ROWS_PER_STATEMENT).map(
      // Serialised here rather than by the driver: node-postgres would turn a top-level array into a
      // Postgres array literal instead of JSON.
      (envelope) => sql`(${envelope.id}, ${envelope.type}, ${source}, ${envelope.subject}, ${now}, ${JSON.stringify(envelope.data ?? null)}::jsonb)`,
    );
    // Nobody reads the insert's answer: inside a transaction on PostgreSQL it goes out with the
    // transaction's next statement or its commit instead of in a round trip of its own.
    await executeRiding(trx, sql`insert into tokobapak.outbox (event_id, type, source, subject, "time", data) values ${sql.join(rows)}`);
  }
  return envelopes;
}

/** Where a consumer stands in the outbox: the last (transaction id, row id) it has moved past. */
export interface OutboxPosition {
  /** An xid8, kept as text: it is 64 bits wide. */
  txId: string;
  id: number;
}

/** An outbox row as the relay reads it. */
export interface OutboxRow {
  position: OutboxPosition;
  event: EventEnvelope;
}

/** An outbox row as selected, `tx_id` cast to text. */
export interface RawOutboxRow {
  id: number | string;
  tx_id: string;
  event_id: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date | string;
  data: unknown;
}

const COLUMNS = sql`id, tx_id::text as tx_id, event_id, type, source, subject, "time", data`;

/**
 * Committed events the relay may not read yet because an older transaction is still running, and
 * the id of the oldest running transaction (the horizon) holding them back.
 */
// biome-ignore lint/suspicious/noExplicitAny: the relay's handle is untyped
export async function heldBack(db: Kysely<any>): Promise<{ count: number; horizon: string }> {
  const result = await sql<{ count: number | string; horizon: string }>`
    select count(*) as count, pg_snapshot_xmin(pg_current_snapshot())::text as horizon
    from tokobapak.outbox
    where tx_id >= pg_snapshot_xmin(pg_current_snapshot()) and pg_xact_status(tx_id) = 'committed'
  `.execute(db);
  const row = result.rows[0];
  return { count: Number(row?.count ?? 0), horizon: row?.horizon ?? '' };
}

/** One event by id, or undefined when it is not (or no longer) in the outbox. */
// biome-ignore lint/suspicious/noExplicitAny: the relay's handle is untyped
export async function findEvent(db: Kysely<any>, eventId: string): Promise<OutboxRow | undefined> {
  const result = await sql<RawOutboxRow>`select ${COLUMNS} from tokobapak.outbox where event_id = ${eventId}`.execute(db);
  const row = result.rows[0];
  return row ? toOutboxRow(row) : undefined;
}

/** An outbox row as read (`tx_id` as text) to the relay's form. */
export function toOutboxRow(row: RawOutboxRow): OutboxRow {
  return {
    position: { txId: row.tx_id, id: Number(row.id) },
    event: {
      specversion: '1.0',
      id: row.event_id,
      type: row.type,
      source: row.source,
      time: new Date(row.time).toISOString(),
      subject: row.subject,
      data: row.data,
    },
  };
}
