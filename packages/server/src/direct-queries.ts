import type pg from 'pg';

/** Runs one compiled statement on a pooled connection and answers its rows. */
export type DirectQuery = (text: string, values: unknown[]) => Promise<unknown[]>;

// The Kysely instances (keys only, of any database type) whose statements may skip Kysely's executor: the process's PostgreSQL
// database and its services' schema-bound views of it, never a transaction (a new instance each
// time, bound to its own connection, so it is never found here and keeps Kysely's path).
const direct = new WeakMap<object, DirectQuery>();

/**
 * A statement on a connection of `pool`, with node-postgres' callbacks: taken, run, given back.
 * It does what Kysely's executor does for an already compiled statement (take a connection, send
 * the text and values, give the connection back, answer the rows) without its eight nested async
 * steps: about a tenth of a guest cart's CPU (docs/performance.md, "Query templates skip Kysely's
 * executor"). A failed statement gives its connection back as Kysely does, kept in the pool.
 */
export function poolQuery(pool: pg.Pool): DirectQuery {
  return (text, values) =>
    new Promise((resolve, reject) => {
      pool.connect((connectError, client, release) => {
        if (connectError || !client) return reject(connectError);
        client.query(text, values, (error: Error | null, result: pg.QueryResult) => {
          release();
          if (error) reject(error);
          else resolve(result.rows);
        });
      });
    });
}

/** Lets query templates run on `db` through `query` (see {@link poolQuery}). */
export function runDirectly(db: object, query: DirectQuery): void {
  direct.set(db, query);
}

/** `derived` (`db.withSchema(…)`: the same pool, statements compiled with the schema) runs directly when `db` does. */
export function shareDirectQueries(db: object, derived: object): void {
  const query = direct.get(db);
  if (query) direct.set(derived, query);
}

/** How a query template runs a compiled statement on `db` without Kysely's executor, if it may. */
export function directQueryOf(db: object): DirectQuery | undefined {
  return direct.get(db);
}
