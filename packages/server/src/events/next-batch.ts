import { type Kysely, sql } from 'kysely';
import { type OutboxPosition, type OutboxRow, toOutboxRow } from './outbox.js';
import { comparePositions } from './retention.js';

// biome-ignore lint/suspicious/noExplicitAny: the relay's handle is untyped
type Db = Kysely<any>;

/** A consumer's next batch, read under the lock of its offset row and already claimed. */
export interface LockedBatch {
  /** The offset the batch starts after, as the locked row holds it. */
  offset: OutboxPosition;
  /** Up to `limit` events of the consumer's types after the offset, in relay order. */
  rows: OutboxRow[];
  /** Ids of `rows` this statement recorded in `processed_events`: the events to hand over (the rest were already handled). */
  claimed: Set<string>;
  /**
   * How far the batch reaches: the last of `rows` when the batch is full, otherwise the last
   * committed event of any type. Undefined when nothing is committed after the offset.
   */
  through: OutboxPosition | undefined;
}

interface RawRow {
  part: 'offset' | 'event' | 'head';
  id: number | string;
  tx_id: string;
  event_id: string | null;
  type: string | null;
  source: string | null;
  subject: string | null;
  time: Date | string | null;
  data: unknown;
  claimed: boolean | null;
}

/**
 * Starts a consumer's delivery in one statement, the first of its transaction: locks its offset row
 * (`for update skip locked`), reads up to `limit` events of `types` after that offset and the head
 * of the outbox, and claims the events in `processed_events`. Three round trips before (read the
 * batch outside the transaction, lock and compare the offset, claim) are one. Undefined when
 * another process holds the row (or it does not exist): nothing is read or claimed then.
 *
 * Why each part keeps its guarantee:
 * - Lock first, read after, in one statement: the events are read from the offset the lock holds,
 *   so no other process can move it meanwhile (the separate read had to be checked against it).
 *   Under READ COMMITTED a row another process updated and committed after this statement's
 *   snapshot is locked in its newest version, and its offset is the one used.
 * - Horizon: `pg_current_snapshot()` is the statement's snapshot, taken before it runs; the lock
 *   and the claim give this transaction its id only later, so its own id does not hold the horizon
 *   back. Every event up to the head is settled (older than every running transaction) and
 *   visible, so nothing before `through` is skipped. This holds only as the transaction's first
 *   statement: a transaction that has written counts itself as running.
 * - An offset read from a newer snapshot than the statement's (another process moved it past this
 *   snapshot's horizon) finds no event and no head after it: nothing is delivered and the offset is
 *   left where it is, never moved back.
 * - The claim inserts only events read after a held lock (no lock, no rows); a concurrent prompt
 *   delivery's uncommitted claim of the same event makes it wait, then pass the event over if that
 *   delivery committed, exactly as a separate `insert` did. It rolls back with the transaction.
 * - Each read is a lateral subquery, ordered and limited on its own, so it starts at the offset in
 *   the `(tx_id, id)` index and stops after `limit` rows, however long the outbox behind it.
 */
export async function lockNextBatch(trx: Db, consumer: string, types: string[], limit: number, now: Date): Promise<LockedBatch | undefined> {
  const result = await nextBatchStatement(consumer, types, limit, now).execute(trx);
  const offsetRow = result.rows.find((row) => row.part === 'offset');
  if (!offsetRow) return undefined;
  const events = result.rows.filter((row) => row.part === 'event');
  const rows = events
    .map((row) => toOutboxRow({ ...row, event_id: row.event_id as string, type: row.type as string, source: row.source as string, time: row.time as Date }))
    .sort((a, b) => comparePositions(a.position, b.position));
  const claimed = new Set(events.filter((row) => row.claimed === true).map((row) => row.event_id as string));
  const head = result.rows.find((row) => row.part === 'head');
  const last = rows.at(-1);
  const through = rows.length >= limit && last ? last.position : head ? { txId: head.tx_id, id: Number(head.id) } : undefined;
  return { offset: { txId: offsetRow.tx_id, id: Number(offsetRow.id) }, rows, claimed, through };
}

/** The statement {@link lockNextBatch} runs (exported for the test of its plan). */
export function nextBatchStatement(consumer: string, types: string[], limit: number, now: Date) {
  const wanted = types.length > 0 ? sql`e.type in (${sql.join(types)})` : sql`false`;
  return sql<RawRow>`
    with locked as materialized (
      select last_tx_id, last_id from tokobapak.consumer_offsets
      where consumer = ${consumer}
      for update skip locked
    ), wanted as materialized (
      select b.* from locked l cross join lateral (
        select e.id, e.tx_id, e.event_id, e.type, e.source, e.subject, e."time", e.data from tokobapak.outbox e
        where e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          and (e.tx_id, e.id) > (l.last_tx_id, l.last_id)
          and ${wanted}
        order by e.tx_id, e.id
        limit ${limit}
      ) b
    ), head as (
      select h.id, h.tx_id from locked l cross join lateral (
        select e.id, e.tx_id from tokobapak.outbox e
        where e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          and (e.tx_id, e.id) > (l.last_tx_id, l.last_id)
        order by e.tx_id desc, e.id desc
        limit 1
      ) h
    ), claimed as (
      insert into tokobapak.processed_events (consumer, event_id, processed_at)
      select ${consumer}, w.event_id, ${now} from wanted w
      on conflict (consumer, event_id) do nothing
      returning event_id
    )
    select 'offset' as part, l.last_id as id, l.last_tx_id::text as tx_id, null as event_id, null as type, null as source,
      null as subject, null::timestamptz as "time", null::jsonb as data, null::boolean as claimed
    from locked l
    union all
    select 'event', w.id, w.tx_id::text, w.event_id, w.type, w.source, w.subject, w."time", w.data, c.event_id is not null
    from wanted w left join claimed c on c.event_id = w.event_id
    union all
    select 'head', h.id, h.tx_id::text, null, null, null, null, null, null, null from head h
  `;
}
