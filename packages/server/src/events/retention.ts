import { type Kysely, sql } from 'kysely';
import type { OutboxPosition } from './outbox.js';

// Retention pruning of `tokobapak.outbox` and `tokobapak.processed_events`. The relay decides when
// (rarely, one pass at a time, within a time budget); these are the statements it runs.

// biome-ignore lint/suspicious/noExplicitAny: the relay's handle is untyped
type Db = Kysely<any>;

/**
 * Key of the transaction-level advisory lock every pruning batch takes first: with several processes
 * on one PostgreSQL database, one prunes and the others skip their turn instead of competing for the
 * same rows. An arbitrary constant (the bytes of "tbprune" read as a number).
 */
export const PRUNE_LOCK_KEY = '32759332394593893';

/** Position order: transaction id (an xid8, kept as text), then row id. */
export function comparePositions(a: OutboxPosition, b: OutboxPosition): number {
  const byTx = BigInt(a.txId) - BigInt(b.txId);
  if (byTx !== 0n) return byTx < 0n ? -1 : 1;
  return a.id - b.id;
}

/** Where an outbox pruning pass has to stop. */
export interface OutboxPruneRange {
  /** No row at or after this position may go; absent when nothing bounds the pass but age. */
  until?: { position: OutboxPosition; inclusive: boolean };
}

/**
 * The part of the outbox a pruning pass may look at, or undefined when a consumer this process runs
 * has no stored offset yet: it is about to read from the beginning, so nothing goes before it has
 * started (it does so on the relay's next poll).
 *
 * The range ends at the lowest offset over `consumer_offsets` (every consumer that has ever run,
 * in any process) and before the first row, in relay order, that is not older than `cutoff`. Rows
 * are written in roughly time order, so stopping at the first recent row costs little (a row that
 * an overlapping transaction stamped earlier waits until that one has aged too) and keeps the last
 * statement of a pass from reading through every recent row.
 */
export async function outboxPruneRange(db: Db, localConsumers: string[], cutoff: Date): Promise<OutboxPruneRange | undefined> {
  if (localConsumers.length > 0) {
    const stored = await sql<{ consumer: string }>`
      select consumer from tokobapak.consumer_offsets
      where consumer in (${sql.join(localConsumers.map((name) => sql`${name}`))})
    `.execute(db);
    if (stored.rows.length < new Set(localConsumers).size) return undefined;
  }
  const lowest = await sql<{ tx_id: string; id: number | string }>`
    select last_tx_id::text as tx_id, last_id as id from tokobapak.consumer_offsets
    order by last_tx_id, last_id
    limit 1
  `.execute(db);
  const floor = lowest.rows[0] ? { txId: lowest.rows[0].tx_id, id: Number(lowest.rows[0].id) } : undefined;
  const recent = await sql<{ tx_id: string; id: number | string }>`
    select tx_id::text as tx_id, id from tokobapak.outbox
    where "time" >= ${cutoff} ${floor ? sql`and (tx_id, id) <= (${floor.txId}::xid8, ${floor.id})` : sql``}
    order by tx_id, id
    limit 1
  `.execute(db);
  const first = recent.rows[0];
  if (first) return { until: { position: { txId: first.tx_id, id: Number(first.id) }, inclusive: false } };
  return floor ? { until: { position: floor, inclusive: true } } : {};
}

/**
 * Takes the pruning lock for the rest of `trx`; false when another process (another connection)
 * holds it. On PGlite there is one session, so it is always granted; the relay keeps its own passes
 * from overlapping.
 */
export async function tryPruneLock(trx: Db): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${sql.raw(PRUNE_LOCK_KEY)}) as locked`.execute(trx);
  return result.rows[0]?.locked === true;
}

/**
 * Deletes up to `limit` outbox rows after `after` and within `range`, in relay order, that are older
 * than `cutoff` and that no pending retry or dead letter names: both read the event back from the
 * outbox by its id (a dead letter through an operator's replay), so they keep the row. Returns the
 * positions deleted. Rows another transaction has locked are skipped, not waited for.
 */
export async function deleteOutboxBatch(
  trx: Db,
  options: { after: OutboxPosition; range: OutboxPruneRange; cutoff: Date; limit: number },
): Promise<OutboxPosition[]> {
  const { after, range, cutoff, limit } = options;
  const until = range.until;
  const upper = until
    ? until.inclusive
      ? sql`and (e.tx_id, e.id) <= (${until.position.txId}::xid8, ${until.position.id})`
      : sql`and (e.tx_id, e.id) < (${until.position.txId}::xid8, ${until.position.id})`
    : sql``;
  const result = await sql<{ tx_id: string; id: number | string }>`
    with doomed as (
      select e.id from tokobapak.outbox e
      where (e.tx_id, e.id) > (${after.txId}::xid8, ${after.id}) ${upper}
        and e."time" < ${cutoff}
        and not exists (select 1 from tokobapak.consumer_retries r where r.event_id = e.event_id)
        and not exists (select 1 from tokobapak.dead_letters d where d.event_id = e.event_id)
      order by e.tx_id, e.id
      limit ${limit}
      for update of e skip locked
    )
    delete from tokobapak.outbox e using doomed where e.id = doomed.id
    returning e.tx_id::text as tx_id, e.id
  `.execute(trx);
  return result.rows.map((row) => ({ txId: row.tx_id, id: Number(row.id) }));
}

/**
 * Deletes up to `limit` `processed_events` rows that were processed before `cutoff` and whose event
 * is no longer in the outbox; returns how many went.
 *
 * Why this is safe: the rows exist only so that a redelivery does not run a handler twice. Every
 * redelivery reads the event from the outbox: the stream after an offset was rewound, a retry, an
 * operator replaying a dead letter. Once the event's outbox row is gone it cannot be delivered again,
 * so the row guards nothing. Checking the outbox, and not the age alone, keeps the guard for an old
 * event that is still stored (a lagging consumer, a retry or a dead letter holds it), where an
 * operator's rewind could still redeliver it.
 *
 * There is no index on `processed_at`: each statement scans the table until it has `limit` rows
 * (PostgreSQL hashes the outbox's event ids for the check when many rows qualify). Measured on
 * PostgreSQL 15: 200,000 rows of 300,000 in 41 statements, 2.3 s; a pass with nothing to delete, 10 ms.
 * Walking the primary key with a cursor instead was three times slower.
 */
export async function deleteProcessedBatch(trx: Db, options: { cutoff: Date; limit: number }): Promise<number> {
  const { cutoff, limit } = options;
  const result = await sql<{ count: number | string }>`
    with doomed as (
      select p.consumer, p.event_id from tokobapak.processed_events p
      where p.processed_at < ${cutoff}
        and not exists (select 1 from tokobapak.outbox e where e.event_id = p.event_id)
      limit ${limit}
      for update of p skip locked
    ),
    deleted as (
      delete from tokobapak.processed_events p using doomed
      where p.consumer = doomed.consumer and p.event_id = doomed.event_id
      returning 1
    )
    select count(*) as count from deleted
  `.execute(trx);
  return Number(result.rows[0]?.count ?? 0);
}

/**
 * Consumers whose next stored event is older than `cutoff`: they are more than the retention period
 * behind (or gone: a removed or renamed consumer keeps its offset row), and hold the outbox back.
 * One index probe per consumer.
 */
export async function laggingConsumers(db: Db, cutoff: Date): Promise<string[]> {
  const result = await sql<{ consumer: string }>`
    select o.consumer from tokobapak.consumer_offsets o
    cross join lateral (
      select e."time" from tokobapak.outbox e
      where (e.tx_id, e.id) > (o.last_tx_id, o.last_id)
      order by e.tx_id, e.id
      limit 1
    ) next
    where next."time" < ${cutoff}
    order by o.consumer
  `.execute(db);
  return result.rows.map((row) => row.consumer);
}
