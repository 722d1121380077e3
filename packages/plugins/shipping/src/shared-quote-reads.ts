import { coalescedReader, listTemplate } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { ShippingDatabase } from './database.js';
import type { QuoteRow } from './quotes.js';

type Db = Kysely<ShippingDatabase>;

const readers = new WeakMap<Db, (ids: Iterable<string>) => Promise<Map<string, QuoteRow>>>();

/**
 * Quotes by id, compiled once per count of ids up to 16. One id (the usual case) keeps the `=`
 * statement; a list is `in ($1, …)`, one text per length, so PostgreSQL keeps a generic plan for
 * each rather than planning `any($1)` anew.
 */
const quotesByIds = listTemplate<ShippingDatabase, QuoteRow>({
  name: 'shipping_quotes_by_id',
  max: 16,
  build: (db, ids) => {
    const query = db.selectFrom('quotes').selectAll();
    return (ids.length === 1 ? query.where('id', '=', ids[0] as string) : query.where('id', 'in', ids as string[])) as never;
  },
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
      const rows = await quotesByIds(db, ids);
      return new Map(rows.map((row) => [row.id, row]));
    });
    readers.set(db, read);
  }
  return (await read([id])).get(id);
}
