import pg from 'pg';
import type { TokoBapakServer } from '../create-server.js';

/**
 * The statements a server sends to one service's schema while `fn` runs, as texts: each is a round
 * trip a request pays for. Counted where they leave the process, PGlite's `query` or node-postgres'
 * `Client#query` on PostgreSQL, since query templates skip Kysely's executor (and its plugins).
 *
 * @example
 * const { statements } = await schemaStatements(server, 'payment', () => client.payment.getPayment({ params }));
 * expect(statements).toHaveLength(1);
 */
export async function schemaStatements<T>(server: TokoBapakServer, schema: string, fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const qualifier = `"${schema}".`;
  const note = (first: unknown) => {
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    if (text.includes(qualifier)) statements.push(text);
  };
  const target = (server.database.pglite ?? pg.Client.prototype) as unknown as { query: (...args: unknown[]) => unknown };
  const send = target.query;
  target.query = function (this: unknown, ...args: unknown[]) {
    note(args[0]);
    return send.apply(this, args);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    target.query = send;
  }
}
