import { createHash } from 'node:crypto';
import pg from 'pg';

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
 * A node-postgres client that sends registered texts as named statements. Kysely calls
 * `query(text, values)`; everything else (cursors, config objects, unregistered texts) passes through.
 */
export class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query() has a dozen overloads; this forwards them all
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values)) {
      const name = names.get(config);
      if (name) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}
