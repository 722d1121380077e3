import { portEvents } from '@tokobapak/sdk';
import { type Kysely, type Migration, sql } from 'kysely';
import type { Caller } from './caller.js';
import { coalescedReader } from './coalesced-reads.js';
import { platformErrors } from './errors.js';
import type { Clock } from './plugin.js';
import { queryTemplate } from './query-templates.js';

/** `tokobapak.deleted_accounts`: user ids whose credentials must stop at once (user ids are never reused). */
export const deletedAccountsMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .withSchema('tokobapak')
      .createTable('deleted_accounts')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('deleted_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.withSchema('tokobapak').dropTable('deleted_accounts').ifExists().execute();
  },
};

/**
 * `listed_at`: when the row was written, by the database's clock, so that every process can read
 * the rows listed since its last read. Not `deleted_at`: a deletion relayed from another database
 * is listed late with its original time. `clock_timestamp()`, not `now()`: the time of the insert,
 * not of its transaction's start, is the closer to its commit.
 */
export const deletedAccountsListedAtMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await sql`alter table tokobapak.deleted_accounts add column listed_at timestamptz not null default clock_timestamp()`.execute(db);
    await sql`create index deleted_accounts_listed_at on tokobapak.deleted_accounts (listed_at)`.execute(db);
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await sql`alter table tokobapak.deleted_accounts drop column listed_at`.execute(db);
  },
};

/**
 * The event whose consumer fills the list in every database that receives it: the one a spec marks
 * `x-provides: accountDeleted` (the user service's today). The runtime names no service; without
 * such an event the denylist is filled only by `ctx.accounts.markDeleted`.
 */
export const ACCOUNT_DELETED: string | undefined = (portEvents as Partial<Record<string, string>>).accountDeleted;

/**
 * The deleted-account denylist. An access token is verified without the database (that is what
 * makes it cheap), so without this a deleted account's token kept working until it expired: up
 * to 15 minutes of new API keys, products, banners. The runtime refuses every write (any method
 * but GET and HEAD) by an access token or API key of a listed account with 401.
 *
 * Only recent deletions matter: no credential is issued to a deleted account, so its access tokens
 * expire at most `accessTokenTtl` after the deletion, and its API keys (erased with it) stop
 * verifying once the verifications cached before it expire (`apiKeyCacheSeconds`). Each process
 * therefore keeps the accounts deleted within that window in memory and checks a write against
 * them without a statement. It learns of deletions made here at once (`markDeleted`), and of those
 * made by other processes on the same database by reading the rows listed since its last read,
 * every `pollIntervalMs`. If those reads fall behind (a busy event loop, a slow database), writes
 * look the account up themselves again, so the delay is never more than two intervals.
 *
 * Filled by the auth service as it erases a credential (`ctx.accounts.markDeleted`, before the
 * deletion answers) and by a runtime consumer of the `accountDeleted` port's event (for processes on other databases).
 */
export interface DeletedAccounts {
  markDeleted(userId: string, at: Date, db?: Kysely<unknown>): Promise<void>;
  /** Throws 401 when a write's caller belongs to a deleted account. */
  refuseWritesOfDeleted(method: string, caller: Caller): Promise<void>;
  /** Reads the deletions of the window, then keeps reading the new ones every `pollIntervalMs`. Before serving. */
  start(): Promise<void>;
  /** Reads the deletions listed since the last read now (the timer does this by itself). */
  refresh(): Promise<void>;
  /** Stops reading (waits for a read under way). */
  stop(): Promise<void>;
  /** How many accounts the process holds in memory (the deletions of the window). */
  readonly held: number;
}

export interface DeletedAccountsOptions {
  /** The clock access tokens are signed and checked with; a deletion is timed with it too. */
  clock?: Clock;
  /** How long after a deletion its account is held: the longest an erased credential can still verify, plus a margin. */
  windowMs: number;
  /** How often the rows listed by other processes are read (default 1000). */
  pollIntervalMs?: number;
  /** Real time, for the API key cache, which runs on it whatever the clock (tests replace it). */
  realNow?: () => number;
  log?: { warn(object: object, message: string): void };
}

/** The default poll interval: how long, at most twice over, another process's deletion takes to stop writes here. */
export const DELETED_ACCOUNTS_POLL_MS = 1000;

/**
 * Rows re-read before the last read's start: a row's `listed_at` is set at its insert, but a read
 * sees it only once its transaction commits, possibly after a read that started later.
 */
const COMMIT_LAG_MS = 60_000;

interface DenylistTables {
  'tokobapak.deleted_accounts': { user_id: string; deleted_at: Date; listed_at: Date };
}

/** Whether one account is listed: the usual case, an `=` that PostgreSQL plans once per connection. */
const listedOne = queryTemplate<DenylistTables, { userId: string }, { user_id: string }>({
  name: 'deleted_account',
  build: (db, p) => db.selectFrom('tokobapak.deleted_accounts').select('user_id').where('user_id', '=', p.userId),
});

/** Which of several accounts are listed (the writes of concurrent requests, asked together). */
const listedAmong = queryTemplate<DenylistTables, { userIds: string[] }, { user_id: string }>({
  name: 'deleted_accounts_among',
  build: (db, p) => db.selectFrom('tokobapak.deleted_accounts').select('user_id').where(sql<boolean>`user_id = any(${p.userIds}::text[])`),
});

/** A read of the list: the database's time at its start, and the rows it found (none: one row of nulls). */
interface ReadRow {
  read_at: Date | string;
  user_id: string | null;
  deleted_at: Date | string | null;
}

/** The denylist on `db` (the runtime's schema). */
export function createDeletedAccounts(db: Kysely<unknown>, options: DeletedAccountsOptions): DeletedAccounts {
  const clock = options.clock ?? { now: () => new Date() };
  const realNow = options.realNow ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? DELETED_ACCOUNTS_POLL_MS;
  const { windowMs } = options;
  const denylist = db as unknown as Kysely<DenylistTables>;
  /** user id → when it was deleted (clock) and when this process learned of it (real time). */
  const recent = new Map<string, { deletedAt: number; seenAt: number }>();
  /** The database's time at the start of the last read that succeeded, and the real time then. */
  let lastRead: { dbTime: number; at: number } | undefined;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const remember = (userId: string, deletedAt: number) => {
    if (!recent.has(userId)) recent.set(userId, { deletedAt, seenAt: realNow() });
  };

  // Held until both clocks are past the window: tokens expire by the clock, cached key verifications by real time.
  const forgetOld = () => {
    const now = clock.now().getTime();
    const real = realNow();
    for (const [userId, entry] of recent) if (now - entry.deletedAt > windowMs && real - entry.seenAt > windowMs) recent.delete(userId);
  };

  const read = async () => {
    const startedAt = realNow();
    const since = new Date(clock.now().getTime() - windowMs);
    // The first read takes the whole window; the next ones only the rows listed since the last.
    const listedSince = lastRead ? sql`and d.listed_at > ${new Date(lastRead.dbTime - COMMIT_LAG_MS)}` : sql``;
    const rows = await sql<ReadRow>`select n.read_at, d.user_id, d.deleted_at from (select now() as read_at) n
      left join tokobapak.deleted_accounts d on d.deleted_at > ${since} ${listedSince}`.execute(db);
    for (const row of rows.rows) if (row.user_id !== null && row.deleted_at !== null) remember(row.user_id, new Date(row.deleted_at).getTime());
    const first = rows.rows[0] as ReadRow;
    lastRead = { dbTime: new Date(first.read_at).getTime(), at: startedAt };
    forgetOld();
  };

  // One read at a time; a read asked for while one runs starts after it (it must see what committed before it was asked).
  const readInTurn = (): Promise<void> => {
    const next = (running ?? Promise.resolve()).catch(() => {}).then(read);
    const settled = next.finally(() => {
      if (running === settled) running = undefined;
    });
    running = settled;
    return next;
  };

  // The fallback when reads fall behind: the lookup of old, shared by the writes of one turn.
  const lookUp = coalescedReader(async (userIds: string[]) => {
    const rows = userIds.length === 1 ? await listedOne.execute(denylist, { userId: userIds[0] as string }) : await listedAmong.execute(denylist, { userIds });
    return new Map(rows.map((row) => [row.user_id, true]));
  });

  return {
    async markDeleted(userId, at, within = db) {
      await sql`insert into tokobapak.deleted_accounts (user_id, deleted_at) values (${userId}, ${at}) on conflict (user_id) do nothing`.execute(within);
      remember(userId, at.getTime());
    },
    async refuseWritesOfDeleted(method, caller) {
      if (method === 'GET' || method === 'HEAD') return;
      if (caller.kind !== 'user' && caller.kind !== 'apiKey') return;
      if (!recent.has(caller.userId)) {
        const behind = !lastRead || realNow() - lastRead.at > 2 * pollIntervalMs;
        if (!behind) return;
        if (!(await lookUp([caller.userId])).has(caller.userId)) return;
        remember(caller.userId, clock.now().getTime());
      }
      throw platformErrors.UNAUTHENTICATED('This account was deleted');
    },
    async start() {
      await readInTurn();
      timer = setInterval(() => {
        if (running) return;
        readInTurn().catch((error: unknown) => options.log?.warn({ err: error }, 'reading deleted accounts failed'));
      }, pollIntervalMs);
      timer.unref?.();
    },
    refresh: readInTurn,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
    get held() {
      return recent.size;
    },
  };
}
