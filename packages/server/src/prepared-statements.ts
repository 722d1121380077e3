import { createHash } from 'node:crypto';
import pg from 'pg';
import { BEGIN_STATEMENT, canCarryBegin, sendWithBegin, UNSENT } from './begin-with-first-statement.js';

// SQL texts that hot read paths asked to run as named prepared statements, by text. Looked up on
// every query, so it stays a plain Map keyed by the (interned, cached) query string.
const names = new Map<string, string>();

/**
 * Asks for `text` to be sent as a named prepared statement on PostgreSQL: each pooled connection
 * parses and plans it once instead of on every request. Only for a bounded set of texts (query
 * templates compile each shape once); ad-hoc SQL stays unnamed. Returns the statement's name.
 */
export function prepareStatement(label: string, text: string): string {
  let name = names.get(text);
  if (!name) {
    // Derived from the text, so every process gives a text the same name and a name never gets two texts.
    name = `tb_${label}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A node-postgres client that sends registered texts as named statements, and a transaction's
 * `begin` together with its first statement (see {@link sendWithBegin}): `begin` is a round trip
 * and a socket write of its own otherwise, for every transaction. Kysely calls `query(text, values)`;
 * everything else (cursors, config objects, unregistered texts) passes through.
 */
export class PreparingClient extends pg.Client {
  /** A `begin` Kysely asked for that has not been sent yet: it goes out with the next statement. */
  private beginPending = false;

  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query() has a dozen overloads; this forwards them all
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && callback === undefined) {
      const empty = values === undefined || (Array.isArray(values) && values.length === 0);
      if (config === 'begin' && empty && !this.beginPending && this.beginIsPrepared()) {
        this.beginPending = true;
        return Promise.resolve(UNSENT);
      }
      // A transaction that sent nothing has nothing to commit or roll back.
      if (this.beginPending && empty && (config === 'commit' || config === 'rollback')) {
        this.beginPending = false;
        return Promise.resolve(UNSENT);
      }
    }
    const name = typeof config === 'string' && Array.isArray(values) ? names.get(config) : undefined;
    if (this.beginPending) {
      this.beginPending = false;
      if (typeof config === 'string' && callback === undefined && canCarryBegin(values, name)) {
        return sendWithBegin((query) => super.query(query), config, values, name);
      }
      // Anything else waits for `begin` on its own; if `begin` failed, it is not sent at all.
      const begun = super.query({ name: BEGIN_STATEMENT, text: 'begin', values: [] }) as Promise<unknown>;
      if (typeof config !== 'string' || callback !== undefined) {
        // A cursor or a callback query cannot wait on a promise; node-postgres still sends it after `begin`.
        begun.catch(() => {});
        return this.send(config, values, callback, name);
      }
      return begun.then(() => this.send(config, values, callback, name));
    }
    if (typeof config === 'string' && config === 'begin' && (values === undefined || values.length === 0) && callback === undefined) {
      // The first transaction on this connection prepares `begin`, so later ones can send it along.
      return super.query({ name: BEGIN_STATEMENT, text: 'begin', values: [] });
    }
    return this.send(config, values, callback, name);
  }

  // biome-ignore lint/suspicious/noExplicitAny: as query()
  private send(config: any, values: any, callback: any, name: string | undefined): any {
    if (name) return super.query({ name, text: config, values }, callback);
    return super.query(config, values, callback);
  }

  private beginIsPrepared(): boolean {
    // biome-ignore lint/suspicious/noExplicitAny: node-postgres keeps the names a connection has parsed on its internal Connection
    return (this as any).connection?.parsedStatements?.[BEGIN_STATEMENT] !== undefined;
  }
}
