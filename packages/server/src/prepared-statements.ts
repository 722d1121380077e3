import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Descriptions, NamedQuery } from './row-descriptions.js';
import { BEGIN_STATEMENT, boundValues, COMMIT_STATEMENT, canCarry, HELD, type Rider, ridesAlong, sendWithAhead, UNSENT } from './statements-ahead.js';

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

// Texts not registered by a template, counted until they are seen often enough to name (below).
const seen = new Map<string, number>();
// Texts never named on the fly: a template's that chose to stay unnamed (its best plan depends on
// the values), and any that PostgreSQL refused after a migration changed its columns (`forgotten`).
const unnamed = new Set<string>();
let autoNamed = 0;

/** A text run this often with parameters is named: once means start-up (migrations), twice may be chance. */
const AUTO_PREPARE_AFTER_USES = 3;
/** At most this many texts are named on the fly, so that a caller building texts with inlined values cannot grow every connection's plan cache without end. */
const MAX_AUTO_NAMED = 500;
/** Counting stops being worth its memory past this many candidates; it starts over. */
const MAX_COUNTED = 20_000;

/** Keeps `text` an unnamed statement, planned with its values on every run, however often it runs. */
export function keepUnnamed(text: string): void {
  unnamed.add(text);
}

/**
 * The name to send `text` under, or `undefined` for an unnamed statement. Registered texts have
 * theirs; any other text with parameters is named once it has run {@link AUTO_PREPARE_AFTER_USES}
 * times. Kysely compiles a query to the same text every time (values travel as parameters), so the
 * few hundred statements a store runs become named ones, parsed and planned once per connection
 * instead of on every run: on the checkout, planning was about a quarter of PostgreSQL's time.
 */
function statementName(text: string, values: unknown[]): string | undefined {
  const name = names.get(text);
  if (name !== undefined || values.length === 0 || autoNamed >= MAX_AUTO_NAMED || unnamed.has(text)) return name;
  const uses = (seen.get(text) ?? 0) + 1;
  if (uses < AUTO_PREPARE_AFTER_USES) {
    if (seen.size >= MAX_COUNTED) seen.clear();
    seen.set(text, uses);
    return undefined;
  }
  seen.delete(text);
  autoNamed += 1;
  return prepareStatement('auto', text);
}

/**
 * After a migration changed the columns a named statement answers (`select *`, `returning *` on an
 * altered table), PostgreSQL refuses to run it on every connection that prepared it ("cached plan
 * must not change result type"). The statement that meets this fails, and its text is sent unnamed
 * from then on, so a process that was running during the migration fails that one request per
 * text instead of every one until it restarts. Answers the error, to be passed on.
 */
function forgotten<E>(text: string, error: E): E {
  const failure = error as { code?: unknown; message?: unknown } | null;
  if (failure?.code === '0A000' && typeof failure.message === 'string' && failure.message.includes('cached plan must not change result type')) {
    names.delete(text);
    unnamed.add(text);
  }
  return error;
}

/**
 * A node-postgres client that sends registered and often-run texts as named statements, and saves
 * a transaction round trips: its `begin` goes out with its first statement, and statements whose
 * answer nobody reads (riders, {@link mayRideAlong}) go out with the statement after them or with
 * the `commit` (see {@link sendWithAhead}). Kysely calls `query(text, values)`; everything else
 * (cursors, config objects, texts without parameters or not yet seen often) passes through.
 */
export class PreparingClient extends pg.Client {
  /** A `begin` Kysely asked for that has not been sent yet: it goes out with the next statement. */
  private beginPending = false;
  /** Whether a transaction Kysely began (with a plain `begin`) is open: riders wait only inside one. */
  private inTransaction = false;
  /** Riders held for the next statement of the open transaction, in order. */
  private riders: Rider[] = [];
  /** What this connection's named statements answer, built once per statement (see {@link Descriptions}). */
  private readonly descriptions: Descriptions = new Map();

  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query() has a dozen overloads; this forwards them all
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && callback === undefined) {
      const empty = values === undefined || (Array.isArray(values) && values.length === 0);
      if (empty && (config === 'commit' || config === 'rollback')) {
        this.inTransaction = false;
        // Rolled back, riders would have been undone: they need not be sent.
        if (config === 'rollback') this.riders = [];
        // A transaction that sent nothing has nothing to commit or roll back.
        if (this.beginPending && this.riders.length === 0) {
          this.beginPending = false;
          return Promise.resolve(UNSENT);
        }
        if (config === 'commit' && (this.beginPending || this.riders.length > 0)) {
          return this.sendAhead(COMMIT, COMMIT, [], COMMIT_STATEMENT);
        }
      }
      if (config === 'begin' && empty) {
        this.inTransaction = true;
        this.riders = [];
        if (!this.beginPending && this.beginIsPrepared()) {
          this.beginPending = true;
          return Promise.resolve(UNSENT);
        }
      }
    }
    const name = typeof config === 'string' && Array.isArray(values) ? statementName(config, values) : undefined;
    if (this.inTransaction && callback === undefined && name !== undefined && ridesAlong(config) && this.isParsed(name, config)) {
      const bound = boundValues(values);
      if (bound) {
        this.riders.push({ name, values: bound });
        return Promise.resolve(HELD);
      }
    }
    if (this.beginPending || this.riders.length > 0) {
      if (typeof config === 'string' && callback === undefined && canCarry(values, name)) return this.sendAhead(config, config, values, name);
      // Anything else goes after what is held, sent on its own first (node-postgres keeps the order);
      // if that failed, the transaction is aborted and this statement fails too.
      const held = this.sendHeld() as Promise<unknown>;
      if (typeof config !== 'string' || callback !== undefined) {
        // A cursor or a callback query cannot wait on a promise; node-postgres still sends it after.
        held.catch(() => {});
        return this.send(config, values, callback, name);
      }
      return held.then(() => this.send(config, values, callback, name));
    }
    if (typeof config === 'string' && config === 'begin' && (values === undefined || values.length === 0) && callback === undefined) {
      // The first transaction on this connection prepares `begin`, so later ones can send it along.
      return super.query({ name: BEGIN_STATEMENT, text: 'begin', values: [] });
    }
    return this.send(config, values, callback, name);
  }

  /** Sends `text` with the pending `begin` and the riders ahead of it, in one round trip. */
  private sendAhead(original: string, text: string, values: unknown[], name: string | undefined): Promise<pg.QueryResult> {
    const ahead = { begin: this.beginPending, riders: this.riders };
    this.beginPending = false;
    this.riders = [];
    const sent = sendWithAhead((query) => super.query(query), text, values, name, ahead, this.descriptions);
    return name ? sent.catch((error: unknown) => Promise.reject(forgotten(original, error))) : sent;
  }

  /** Sends the pending `begin` and the riders on their own (ahead of a statement that cannot carry them). */
  private sendHeld(): Promise<unknown> {
    const riders = this.riders;
    this.riders = [];
    let sent = Promise.resolve<unknown>(undefined);
    if (this.beginPending) {
      this.beginPending = false;
      sent = super.query({ name: BEGIN_STATEMENT, text: 'begin', values: [] }) as Promise<unknown>;
    }
    for (const rider of riders) {
      const next = new Promise((resolve, reject) => {
        super.query(
          namedQuery(rider.name, this.parsedText(rider.name), rider.values, this.descriptions, (error, result) => (error ? reject(error) : resolve(result))),
        );
      });
      sent = sent.then(() => next);
      // Its failure is the chain's; node-postgres sends each in order whether or not the one before failed.
      next.catch(() => {});
    }
    return sent;
  }

  // biome-ignore lint/suspicious/noExplicitAny: as query()
  private send(config: any, values: any, callback: any, name: string | undefined): any {
    if (!name) return super.query(config, values, callback);
    if (callback) {
      super.query(namedQuery(name, config, values, this.descriptions, (error, result) => callback(error && forgotten(config, error), result)));
      return undefined;
    }
    return new Promise((resolve, reject) => {
      super.query(namedQuery(name, config, values, this.descriptions, (error, result) => (error ? reject(forgotten(config, error)) : resolve(result))));
    });
  }

  private beginIsPrepared(): boolean {
    return this.parsed()?.[BEGIN_STATEMENT] !== undefined;
  }

  /** Whether this connection has parsed `text` under `name` (confirmed by PostgreSQL, not only sent). */
  private isParsed(name: string, text: string): boolean {
    return this.parsed()?.[name] === text;
  }

  private parsedText(name: string): string {
    return this.parsed()?.[name] ?? '';
  }

  private parsed(): Record<string, string> | undefined {
    // biome-ignore lint/suspicious/noExplicitAny: node-postgres keeps the names a connection has parsed on its internal Connection
    return (this as any).connection?.parsedStatements;
  }
}

/** The text of `commit`, sent as the prepared {@link COMMIT_STATEMENT} when it carries what is held. */
const COMMIT = 'commit';

/**
 * A named statement as node-postgres' own Query, built from its text and named after. Given a
 * config object instead (`{ name, text, values }`), node-postgres copies it property descriptor by
 * property descriptor on every query: about 2% of the server's CPU under the checkout bench, for
 * the same three fields.
 */
function namedQuery(
  name: string,
  text: string,
  values: unknown[],
  descriptions: Descriptions,
  callback: (error: Error | null | undefined, result: unknown) => void,
): pg.Query {
  const query = new NamedQuery(text, values, callback);
  query.name = name;
  query.descriptions = descriptions;
  return query;
}
