import { coalescedReader, queryTemplate } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { ShippingDatabase } from './database.js';
import type { QuoteRow } from './quotes.js';

type Db = Kysely<ShippingDatabase>;

const readers = new WeakMap<Db, (ids: Iterable<string>) => Promise<Map<string, QuoteRow>>>();

/**
 * Quotes by id. One id (the usual case) keeps the `=` statement; a list is `in ($1, …)`, one text
 * per length, so PostgreSQL keeps a generic plan for each rather than planning `any($1)` anew.
 */
function quotesByIds(db: Db, ids: unknown[]) {
  const query = db.selectFrom('quotes').selectAll();
  return ids.length === 1 ? query.where('id', '=', ids[0] as string) : query.where('id', 'in', ids as string[]);
}

// Reads of up to this many quotes run a statement compiled once per count; more are built for themselves.
const TEMPLATED_QUOTES = 16;

/** The read above compiled once per count of ids (the shape), each id its own placeholder (`id<n>`). */
const quotesQuery = queryTemplate<ShippingDatabase, Record<string, string>, QuoteRow>({
  name: 'shipping_quotes_by_id',
  shape: (values) => String(Object.keys(values).length),
  build: (db, p, values) =>
    quotesByIds(
      db,
      Object.keys(values).map((key) => p[key]),
    ),
});

/**
 * A stored quote by id, read together with the other quote reads asked in the same turn of the
 * event loop (see `coalescedReader`): a checkout reads each store's chosen quote at once, and so
 * do concurrent shipping choices, so that n quotes cost one statement instead of n. A read starts
 * after every caller in it asked, so it is never older than a caller's own would be. Only with the
 * plugin's own `ctx.db`, never a transaction's.
 */
export async function loadQuoteShared(db: Db, id: string): Promise<QuoteRow | undefined> {
  let read = readers.get(db);
  if (!read) {
    read = coalescedReader(async (ids) => {
      const rows =
        ids.length <= TEMPLATED_QUOTES
          ? await quotesQuery.execute(db, Object.fromEntries(ids.map((id, index) => [`id${index}`, id])))
          : await quotesByIds(db, ids).execute();
      return new Map(rows.map((row) => [row.id, row]));
    });
    readers.set(db, read);
  }
  return (await read([id])).get(id);
}
