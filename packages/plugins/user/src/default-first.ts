import { invalidCursor } from '@tokobapak/server';

/** Where a page of a default-first list ended: the last item's default flag and id. */
export interface DefaultFirstPosition {
  isDefault: boolean;
  id: string;
}

const KEY = /^([dn]):([a-z]+_[0-9a-z]{26})$/;

/**
 * The sort key of a row in lists shown "default first, then newest first" (addresses, payment
 * methods): ordered by `is_default desc, id desc`, ids being time-sortable.
 */
export function defaultFirstKey(row: { is_default: boolean; id: string }): string {
  return `${row.is_default ? 'd' : 'n'}:${row.id}`;
}

/** Parses a key made by {@link defaultFirstKey} (already decoded from its cursor); a forged one is a 400. */
export function parseDefaultFirstKey(key: string | undefined): DefaultFirstPosition | undefined {
  if (key === undefined) return undefined;
  const match = KEY.exec(key);
  if (!match?.[2]) {
    throw invalidCursor();
  }
  return { isDefault: match[1] === 'd', id: match[2] };
}
