import pg from 'pg';

/**
 * The name `begin` is prepared under on each connection. A prepared `begin` needs no Parse message
 * when it rides along with another statement, so the Parse bookkeeping node-postgres keeps for the
 * other statement (`parsedStatements`, by the active query's name) sees only that statement's own
 * ParseComplete.
 */
export const BEGIN_STATEMENT = 'tb_begin';

/** What Kysely gets back for a `begin`, `commit` or `rollback` that did not need to be sent. Kysely reads none of it. */
export const UNSENT = Object.freeze({ command: 'BEGIN', rowCount: null, rows: Object.freeze([]), fields: Object.freeze([]) });

/** node-postgres' internal Connection, as much of it as sending `begin` needs. */
interface ExtendedProtocol {
  bind(config: { statement: string }): void;
  execute(): void;
}

/** node-postgres' Query, with the method that writes its extended-protocol messages (undeclared in its types). */
type QueryWithPrepare = new (
  text: string,
  values: unknown[],
  callback: (error: Error | null, results: unknown) => void,
) => { name?: string; prepare(connection: ExtendedProtocol): void };

/**
 * A statement sent with `begin` in front of it, in one write and one round trip: Bind and Execute
 * of the prepared `begin`, then the statement's own Parse (unless already prepared), Bind,
 * Describe, Execute and the one Sync that ends both. PostgreSQL runs them in order; if `begin`
 * failed, everything up to the Sync is skipped, so the statement can never run outside the
 * transaction. The answer carries two results (`BEGIN`, then the statement's); the callback gets
 * the statement's.
 */
class BeginThenStatement extends (pg.Query as unknown as QueryWithPrepare) {
  override prepare(connection: ExtendedProtocol): void {
    connection.bind({ statement: BEGIN_STATEMENT });
    connection.execute();
    super.prepare(connection);
  }
}

/** Runs `text` with `values` (as a named statement when `name` is set) after a `begin`, in one round trip. */
export function sendWithBegin(
  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query() overloads
  send: (query: any) => unknown,
  text: string,
  values: unknown[],
  name: string | undefined,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    // Built from the text and named after, as `namedQuery` does: node-postgres copies a config object descriptor by descriptor.
    const query = new BeginThenStatement(text, values, (error: Error | null, results: unknown) => {
      if (error) reject(error);
      else resolve((Array.isArray(results) ? results[results.length - 1] : results) as pg.QueryResult);
    });
    if (name) query.name = name;
    send(query);
  });
}

/**
 * Whether `begin` can ride along with this query: a text with parameters or a name goes through the
 * extended protocol anyway. A text without either is sent as a simple query, which may hold several
 * statements and cannot share a Sync; `begin` goes ahead of it on its own.
 */
export function canCarryBegin(values: unknown, name: string | undefined): values is unknown[] {
  return Array.isArray(values) && (values.length > 0 || name !== undefined);
}
