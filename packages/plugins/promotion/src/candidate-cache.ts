import type { PromotionRow } from './mappers.js';

/** The most questions kept per database; past it the oldest is dropped. */
const MAX_ENTRIES = 1_000;

interface Entry {
  /** The service clock's time the read was made for; the entry answers from then until `maxAgeMs` later. */
  readAt: number;
  rows: Promise<PromotionRow[]>;
}

/**
 * The candidate promotion rows of recent questions (currency, stores, codes), kept for at most
 * `maxAgeMs` of the service's clock: every cart read and change asks the same question again, and
 * most of them find no promotion at all. Only what management changes is worth keeping here: the
 * counts of uses and the customer's standing change with every checkout and are read fresh
 * (evaluation-facts.ts). A promotion's window is not judged here either, but at each use against
 * its own `now`, so a kept row never applies outside its window.
 *
 * One cache per plugin instance, one map per database handle: a plugin instance may be mounted by
 * several servers (tests), each on its own database.
 */
export class CandidateCache {
  private readonly byDatabase = new WeakMap<object, Map<string, Entry>>();

  /** `maxAgeMs` 0 turns the cache off: every evaluation reads its candidates. */
  constructor(readonly maxAgeMs: number) {}

  get enabled(): boolean {
    return this.maxAgeMs > 0;
  }

  /**
   * The rows for `key` at `now`: kept ones read no more than `maxAgeMs` before, or those of a new
   * `read`, which must include every row that may apply until the entry is dropped (`usableUntil`):
   * automatic promotions that start by then, too. Concurrent askers of a question not yet kept
   * share one read. A failed read is not kept.
   */
  rows(db: object, key: string, now: Date, read: (usableUntil: Date) => Promise<PromotionRow[]>): Promise<PromotionRow[]> {
    const entries = this.entriesOf(db);
    const at = now.getTime();
    const kept = entries.get(key);
    // A clock set back (tests) is not served rows read for a later time: they may lack what ended since.
    if (kept && kept.readAt <= at && at < kept.readAt + this.maxAgeMs) return kept.rows;
    const entry: Entry = { readAt: at, rows: read(new Date(at + this.maxAgeMs)) };
    entries.delete(key);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    entries.set(key, entry);
    entry.rows.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return entry.rows;
  }

  /**
   * Drops every kept question of the database, after a promotion was created or changed (and
   * committed): this process's next evaluation reads again. A read still under way is dropped too,
   * since it may have started before the change.
   */
  forget(db: object): void {
    this.byDatabase.delete(db);
  }

  private entriesOf(db: object): Map<string, Entry> {
    let entries = this.byDatabase.get(db);
    if (!entries) {
      entries = new Map();
      this.byDatabase.set(db, entries);
    }
    return entries;
  }
}
