import type { Compilable, Kysely, RawBuilder } from 'kysely';
import pg from 'pg';
// node-postgres' own mapping of a JS value to the text it binds (dates, buffers, JSON …).
import { prepareValue } from 'pg/lib/utils.js';
import { type Descriptions, handleRowDescription } from './row-descriptions.js';

/**
 * The name `begin` is prepared under on each connection. A prepared `begin` needs no Parse message
 * when it rides along with another statement, so the Parse bookkeeping node-postgres keeps for the
 * other statement (`parsedStatements`, by the active query's name) sees only that statement's own
 * ParseComplete.
 */
export const BEGIN_STATEMENT = 'tb_begin';

/** The name `commit` is prepared under on each connection, so that it can carry riders (below) in the extended protocol. */
export const COMMIT_STATEMENT = 'tb_commit';

/** What Kysely gets back for a `begin`, `commit` or `rollback` that did not need to be sent. Kysely reads none of it. */
export const UNSENT = Object.freeze({ command: 'BEGIN', rowCount: null, rows: Object.freeze([]), fields: Object.freeze([]) });

/**
 * What Kysely gets back for a rider (below) held for the next statement: no rows, and a command
 * Kysely counts no affected rows for (the count is not known until the rider runs).
 */
export const HELD = Object.freeze({ command: 'HELD', rowCount: null, rows: Object.freeze([]), fields: Object.freeze([]) });

/**
 * A statement inside a transaction whose answer nobody reads (an outbox row, say), held back to go
 * out in the same write as the transaction's next statement or its `commit`, saving a round trip.
 * Only a statement this connection has already parsed under `name` rides (a Bind and an Execute,
 * no Parse, so node-postgres' Parse bookkeeping is never fooled); `values` are already mapped to
 * what is bound.
 */
export interface Rider {
  name: string;
  values: unknown[];
}

/** What goes out ahead of a statement, in its write: the transaction's `begin`, then riders, in the order they were asked for. */
export interface Ahead {
  begin: boolean;
  riders: readonly Rider[];
}

/** node-postgres' internal Connection, as much of it as sending a prepared statement needs. */
interface ExtendedProtocol {
  bind(config: { statement: string; values?: unknown[] }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(): void;
}

/** node-postgres' Query, with the method that writes its extended-protocol messages (undeclared in its types). */
type QueryWithPrepare = new (
  text: string,
  values: unknown[],
  callback: (error: Error | null, results: unknown) => void,
) => { name?: string; prepare(connection: ExtendedProtocol): void };

/**
 * A statement sent with others in front of it, in one write and one round trip: Bind and Execute
 * of the prepared `begin` and of each rider, then the statement's own Parse (unless already
 * prepared), Bind, Describe, Execute and the one Sync that ends them all. PostgreSQL runs them in
 * order; if one fails, everything after it up to the Sync is skipped, so the statement never runs
 * outside its transaction or after a rider that failed, and the failure is the statement's. The
 * answer carries a result per statement; the callback gets the last one's.
 */
class StatementWithAhead extends (pg.Query as unknown as QueryWithPrepare) {
  ahead: Ahead = { begin: false, riders: [] };
  descriptions: Descriptions | undefined;

  handleRowDescription(message: { fields: Parameters<typeof handleRowDescription>[1] }): void {
    // A rider's rows come first when it answers any: only a description with none ahead is surely the statement's own.
    handleRowDescription(this as never, message.fields, this.descriptions, this.ahead.riders.length === 0);
  }

  override prepare(connection: ExtendedProtocol): void {
    if (this.ahead.begin) {
      connection.bind({ statement: BEGIN_STATEMENT });
      connection.execute();
    }
    for (const rider of this.ahead.riders) {
      connection.bind({ statement: rider.name, values: rider.values });
      // Described, so that rows it answers (nobody reads them) come with their row description and
      // node-postgres files them as a result of their own instead of failing to parse them.
      connection.describe({ type: 'P', name: '' });
      connection.execute();
    }
    super.prepare(connection);
  }
}

/** Runs `text` with `values` (as a named statement when `name` is set) after what goes `ahead` of it, in one round trip. */
export function sendWithAhead(
  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query() overloads
  send: (query: any) => unknown,
  text: string,
  values: unknown[],
  name: string | undefined,
  ahead: Ahead,
  descriptions?: Descriptions,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    // Built from the text and named after, as `namedQuery` does: node-postgres copies a config object descriptor by descriptor.
    const query = new StatementWithAhead(text, values, (error: Error | null, results: unknown) => {
      if (error) reject(error);
      else resolve((Array.isArray(results) ? results[results.length - 1] : results) as pg.QueryResult);
    });
    if (name) query.name = name;
    query.ahead = ahead;
    query.descriptions = descriptions;
    send(query);
  });
}

/**
 * Whether others can go ahead of this query in its write: a text with parameters or a name goes
 * through the extended protocol anyway. A text without either is sent as a simple query, which may
 * hold several statements and cannot share a Sync; what goes ahead of it is sent on its own first.
 */
export function canCarry(values: unknown, name: string | undefined): values is unknown[] {
  return Array.isArray(values) && (values.length > 0 || name !== undefined);
}

/** The values of a rider as bound, or undefined when one cannot be mapped (the statement is then sent as usual, which reports it). */
export function boundValues(values: readonly unknown[]): unknown[] | undefined {
  try {
    return values.map((value) => prepareValue(value));
  } catch {
    return undefined;
  }
}

// Texts whose statements may ride along inside a transaction: their callers never read the answer.
const riding = new Set<string>();

/**
 * Lets statements of `text` ride along with the next statement of their transaction (see
 * {@link Rider}): the caller awaits it only to order it, never reads its answer, and accepts that a
 * failure of it surfaces as the failure of the transaction's next statement or of its `commit`
 * (the transaction fails either way). Outside a transaction, on PGlite or before the text is
 * prepared on a connection, it is sent as usual.
 */
export function mayRideAlong(text: string): void {
  riding.add(text);
}

/** Whether statements of `text` may ride along (see {@link mayRideAlong}). */
export function ridesAlong(text: string): boolean {
  return riding.has(text);
}

/**
 * Runs a statement whose answer the caller does not read (an insert or update it only needs done,
 * in order, before its transaction commits). Inside a transaction on PostgreSQL it rides along with
 * the transaction's next statement or its `commit` (see {@link mayRideAlong}): a failure of it fails
 * the transaction there, not here. Anywhere else it runs at once.
 */
// biome-ignore lint/suspicious/noExplicitAny: any plugin's handle
export async function executeRiding(db: Kysely<any>, query: Compilable<unknown> | RawBuilder<unknown>): Promise<void> {
  const compiled = 'isRawBuilder' in query ? query.compile(db) : query.compile();
  mayRideAlong(compiled.sql);
  await db.executeQuery(compiled);
}
