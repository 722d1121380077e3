import { type ProblemError, platformErrors } from './errors.js';
import { isSafeText } from './safe-text.js';

/** One page of a cursor-paginated list, as every list operation returns it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Decodes an opaque cursor into the sort key of the last item seen. Cursors are base64url JSON so
 * clients treat them as opaque; a tampered one is a 400, never a 500: the key must be text a
 * database can compare (no NUL, no unpaired surrogate), and callers check its shape
 * ({@link decodeCursorMatching}) before it reaches a query.
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string' && isSafeText(decoded.after)) return decoded.after;
  } catch {
    // fall through to the problem below
  }
  throw invalidCursor();
}

/** The 400 for a cursor this API did not issue (tampered, or from another listing). */
export function invalidCursor(): ProblemError {
  return platformErrors.BAD_REQUEST({ detail: 'The cursor is not valid', errors: [{ pointer: '#query/cursor', message: 'is not a cursor this API issued' }] });
}

/** Decodes a cursor whose key must match `pattern` (an id of one kind, say); anything else is {@link invalidCursor}. */
export function decodeCursorMatching(cursor: string | undefined, pattern: RegExp): string | undefined {
  const after = decodeCursor(cursor);
  if (after !== undefined && !pattern.test(after)) throw invalidCursor();
  return after;
}

/** Encodes the sort key of the last item of a page. */
export function encodeCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

/**
 * Builds a page from rows fetched with `limit + 1` (the extra row only says whether more exist).
 * Keyset pagination over a unique, sortable key means no item repeats or is skipped while others
 * are added.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, key: (row: Row) => string, map: (row: Row) => Item): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(key(last)) : null };
}
