import { type Kysely, sql } from 'kysely';
import { executeRiding } from '../statements-ahead.js';
import type { OutboxPosition } from './outbox.js';
import type { EventEnvelope } from './types.js';

// The relay's bookkeeping in schema `tokobapak`: offsets, processed events, retries, dead letters.
// Names are schema-qualified so that the handle's own schema plugin, if any, does not matter.

// biome-ignore lint/suspicious/noExplicitAny: the relay's handle is untyped
type Db = Kysely<any>;

const START: OutboxPosition = { txId: '0', id: 0 };

interface RawOffset {
  last_tx_id: string;
  last_id: number | string;
}

function toPosition(row: RawOffset): OutboxPosition {
  return { txId: row.last_tx_id, id: Number(row.last_id) };
}

/** Two positions are the same place in the outbox. */
export function samePosition(a: OutboxPosition, b: OutboxPosition): boolean {
  return a.txId === b.txId && a.id === b.id;
}

/** The consumer's stored position; a consumer seen for the first time starts at the beginning of the outbox. */
export async function readOffset(db: Db, consumer: string, now: Date): Promise<OutboxPosition> {
  const select = () => sql<RawOffset>`select last_tx_id::text as last_tx_id, last_id from tokobapak.consumer_offsets where consumer = ${consumer}`.execute(db);
  const found = (await select()).rows[0];
  if (found) return toPosition(found);
  await sql`
    insert into tokobapak.consumer_offsets (consumer, last_tx_id, last_id, updated_at)
    values (${consumer}, ${START.txId}::xid8, ${START.id}, ${now})
    on conflict (consumer) do nothing
  `.execute(db);
  const created = (await select()).rows[0];
  return created ? toPosition(created) : START;
}

/** Where one consumer stands against what is committed, as {@link consumerStandings} reads it. */
export interface ConsumerStanding {
  /** Its stored offset as read (before a skip); undefined for a consumer seen for the first time (no offset row yet). */
  offset: OutboxPosition | undefined;
  /** Committed events of its types wait after its offset: it needs a delivery. */
  wanted: boolean;
  /** Only events of other types waited after its offset, and the same statement moved it past them to `head`. */
  skipped: boolean;
  /** A redelivery of a failed event is due: it needs a retry pass. */
  retryDue: boolean;
}

/**
 * Every consumer's standing in one statement: whether events of its types wait after its offset,
 * and whether a retry of it is due at `now`. With `skip`, the same statement also moves the offset
 * of every consumer that has only events of other types waiting up to the last committed event
 * (`head`): each published event is wanted by a few consumers only, and the others pass over it
 * together instead of in a delivery each (a transaction and its reads).
 */
export async function consumerStandings(
  db: Db,
  consumers: Array<{ name: string; types: string[] }>,
  now: Date,
  skip: boolean,
): Promise<{ head: OutboxPosition | undefined; standings: Map<string, ConsumerStanding> }> {
  const standings = new Map<string, ConsumerStanding>();
  if (consumers.length === 0) return { head: undefined, standings };
  const result = await standingsStatement(consumers, now, skip).execute(db);
  const first = result.rows[0];
  const head = first?.head_tx_id != null && first.head_id != null ? { txId: first.head_tx_id, id: Number(first.head_id) } : undefined;
  for (const row of result.rows) {
    const offset = row.last_tx_id !== null && row.last_id !== null ? toPosition({ last_tx_id: row.last_tx_id, last_id: row.last_id }) : undefined;
    const wanted = row.wanted === true || (offset === undefined && head !== undefined);
    standings.set(row.consumer, { offset, wanted, skipped: row.skipped === true, retryDue: row.retry_due === true });
  }
  return { head, standings };
}

/** The statement {@link consumerStandings} runs (exported for the test of its plan). */
export function standingsStatement(consumers: Array<{ name: string; types: string[] }>, now: Date, skip: boolean) {
  const list = consumers.map((consumer) => sql`(${consumer.name}, ${`{${consumer.types.map(quoteArrayItem).join(',')}}`}::text[])`);
  // One snapshot for the head, every check and the skip, so that "nothing wanted up to the head"
  // holds for the offsets it moves. The check is a first row in index order, not `exists`:
  // PostgreSQL plans an `exists` as a scan that stops at the first match, judged cheapest as a
  // sequential scan of the whole outbox, which walks every event before the consumer's offset (a
  // pass cost ~5 ms per 5,000 events kept, for each consumer); ordered by (tx_id, id) with a limit
  // it starts at the offset in the index.
  //
  // The skip (one round trip fewer a pass than a separate update after this read) is safe because:
  // - every event up to `head` is older than every running transaction, so settled and visible to
  //   this statement's snapshot, and none of them is of the consumer's types (`wanted` is false);
  //   events after `head` stay after the offset. Nothing is passed over that it would be handed.
  // - the row is locked `skip locked`: one that another process holds (delivering to it) is left
  //   alone. A row another process moved and committed after this snapshot is rechecked in its
  //   newest version against the offset this statement read, and left alone when it moved: an
  //   offset is never moved back, nor past events it was not checked against.
  // - the offsets it reports are those read before the move; `skipped` says which moved.
  return sql<{
    consumer: string;
    head_tx_id: string | null;
    head_id: number | string | null;
    last_tx_id: string | null;
    last_id: number | string | null;
    wanted: boolean | null;
    retry_due: boolean;
    skipped: boolean;
  }>`
    with head as (
      select tx_id, id from tokobapak.outbox
      where tx_id < pg_snapshot_xmin(pg_current_snapshot())
      order by tx_id desc, id desc
      limit 1
    ), c (consumer, types) as (values ${sql.join(list)}),
    standing as (
      select c.consumer, o.last_tx_id, o.last_id,
        coalesce((
          select true from tokobapak.outbox e
          where e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
            and (e.tx_id, e.id) > (coalesce(o.last_tx_id, '0'::xid8), coalesce(o.last_id, 0))
            and e.type = any (c.types)
          order by e.tx_id, e.id
          limit 1
        ), false) as wanted,
        exists (
          select 1 from tokobapak.consumer_retries r where r.consumer = c.consumer and r.next_attempt_at <= ${now}
        ) as retry_due
      from c left join tokobapak.consumer_offsets o on o.consumer = c.consumer
    ), skipped as (
      update tokobapak.consumer_offsets o
      set last_tx_id = h.tx_id, last_id = h.id, updated_at = ${now}
      from (
        select f.consumer from tokobapak.consumer_offsets f
        join standing s on s.consumer = f.consumer and s.last_tx_id = f.last_tx_id and s.last_id = f.last_id
        cross join head h
        where ${skip} and not s.wanted and (f.last_tx_id, f.last_id) < (h.tx_id, h.id)
        for update of f skip locked
      ) due, head h
      where o.consumer = due.consumer
      returning o.consumer
    )
    select s.consumer, h.tx_id::text as head_tx_id, h.id as head_id, s.last_tx_id::text as last_tx_id, s.last_id, s.wanted, s.retry_due,
      exists (select 1 from skipped k where k.consumer = s.consumer) as skipped
    from standing s left join head h on true
  `;
}

// An element of a PostgreSQL array literal, quoted (event types are plain, but nothing is assumed).
function quoteArrayItem(item: string): string {
  return `"${item.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Locks the consumer's offset row for this transaction; undefined when another process holds it. */
export async function lockOffset(trx: Db, consumer: string): Promise<OutboxPosition | undefined> {
  const result = await sql<RawOffset>`
    select last_tx_id::text as last_tx_id, last_id from tokobapak.consumer_offsets
    where consumer = ${consumer}
    for update skip locked
  `.execute(trx);
  const row = result.rows[0];
  return row ? toPosition(row) : undefined;
}

/**
 * Moves the consumer's offset to `position` (the caller holds the row lock). The last write of a
 * delivery's transaction, whose answer nobody reads: it rides along with the `commit`.
 */
export async function moveOffset(trx: Db, consumer: string, position: OutboxPosition, now: Date): Promise<void> {
  await executeRiding(
    trx,
    sql`
    update tokobapak.consumer_offsets
    set last_tx_id = ${position.txId}::xid8, last_id = ${position.id}, updated_at = ${now}
    where consumer = ${consumer}
  `,
  );
}

/**
 * Records the event as processed by the consumer; false when it already was. Claiming before the
 * handler runs makes a concurrent delivery of the same event wait on the key, then skip.
 */
export async function claimEvent(trx: Db, consumer: string, eventId: string, now: Date): Promise<boolean> {
  const result = await sql`
    insert into tokobapak.processed_events (consumer, event_id, processed_at)
    values (${consumer}, ${eventId}, ${now})
    on conflict (consumer, event_id) do nothing
    returning event_id
  `.execute(trx);
  return result.rows.length === 1;
}

/**
 * Records a batch of events as processed by the consumer in one statement; returns the ids that
 * were not already recorded (the ones to hand to the consumer).
 */
export async function claimEvents(trx: Db, consumer: string, eventIds: string[], now: Date): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = eventIds.map((eventId) => sql`(${consumer}, ${eventId}, ${now})`);
  const result = await sql<{ event_id: string }>`
    insert into tokobapak.processed_events (consumer, event_id, processed_at)
    values ${sql.join(rows)}
    on conflict (consumer, event_id) do nothing
    returning event_id
  `.execute(trx);
  return new Set(result.rows.map((row) => row.event_id));
}

/** Forgets claims made in this transaction for events that were not handled after all. */
export async function unclaimEvents(trx: Db, consumer: string, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await sql`delete from tokobapak.processed_events where consumer = ${consumer} and event_id in (${sql.join(eventIds)})`.execute(trx);
}

/** A pending redelivery. */
export interface Retry {
  consumer: string;
  eventId: string;
  attempts: number;
}

/** Retries of `consumer` due at `now`, oldest first. */
export async function dueRetries(db: Db, consumer: string, now: Date, limit: number): Promise<Retry[]> {
  const result = await sql<{ event_id: string; attempts: number }>`
    select event_id, attempts from tokobapak.consumer_retries
    where consumer = ${consumer} and next_attempt_at <= ${now}
    order by next_attempt_at, event_id
    limit ${limit}
  `.execute(db);
  return result.rows.map((row) => ({ consumer, eventId: row.event_id, attempts: Number(row.attempts) }));
}

/**
 * Locks a retry row if it is still as the caller saw it (same attempt count); undefined when another
 * process holds it or has already moved it on.
 */
export async function lockRetry(trx: Db, retry: Retry): Promise<Retry | undefined> {
  const result = await sql<{ attempts: number }>`
    select attempts from tokobapak.consumer_retries
    where consumer = ${retry.consumer} and event_id = ${retry.eventId} and attempts = ${retry.attempts}
    for update skip locked
  `.execute(trx);
  return result.rows[0] ? retry : undefined;
}

/** How many deliveries of the event to the consumer have failed so far (0 when none), locking the row. */
export async function failedAttempts(trx: Db, consumer: string, eventId: string): Promise<number> {
  const result = await sql<{ attempts: number }>`
    select attempts from tokobapak.consumer_retries
    where consumer = ${consumer} and event_id = ${eventId}
    for update
  `.execute(trx);
  return Number(result.rows[0]?.attempts ?? 0);
}

/** Schedules the next delivery after a failure. */
export async function scheduleRetry(trx: Db, retry: Retry, nextAttemptAt: Date, lastError: string): Promise<void> {
  await sql`
    insert into tokobapak.consumer_retries (consumer, event_id, attempts, next_attempt_at, last_error)
    values (${retry.consumer}, ${retry.eventId}, ${retry.attempts}, ${nextAttemptAt}, ${lastError})
    on conflict (consumer, event_id) do update
    set attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
  `.execute(trx);
}

/** Forgets a pending redelivery (it succeeded, was already processed, or went to the dead letters). */
export async function deleteRetry(trx: Db, consumer: string, eventId: string): Promise<void> {
  await sql`delete from tokobapak.consumer_retries where consumer = ${consumer} and event_id = ${eventId}`.execute(trx);
}

/** Gives up on an event for one consumer: keeps it, with the last error, for an operator. */
export async function deadLetter(
  trx: Db,
  consumer: string,
  event: Pick<EventEnvelope, 'id' | 'type' | 'data'>,
  attempts: number,
  lastError: string,
  now: Date,
): Promise<void> {
  await sql`
    insert into tokobapak.dead_letters (consumer, event_id, type, data, attempts, last_error, failed_at)
    values (${consumer}, ${event.id}, ${event.type}, ${JSON.stringify(event.data ?? null)}::jsonb, ${attempts}, ${lastError}, ${now})
  `.execute(trx);
  await deleteRetry(trx, consumer, event.id);
}
