/**
 * The first `limit` items of a paged list, following its cursor only as far as needed: the
 * `--limit` of the list commands (`payments list`, `payouts ledger`, `withdrawals list`).
 */
export async function firstItems<T>(items: AsyncIterable<T>, limit: number): Promise<T[]> {
  const taken: T[] = [];
  for await (const item of items) {
    taken.push(item);
    if (taken.length >= limit) break;
  }
  return taken;
}
