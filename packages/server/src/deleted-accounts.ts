import { portEvents } from '@tokobapak/sdk';
import { type Kysely, type Migration, sql } from 'kysely';
import type { Caller } from './caller.js';
import { coalescedReader } from './coalesced-reads.js';
import { platformErrors } from './errors.js';
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
 * Cost: one primary-key lookup per write by a person or key, shared by the writes that ask in the
 * same turn of the event loop (`coalescedReader`: the lookup starts after each of them asked, so
 * none is answered from a read older than its own would have been); a listed id is remembered for
 * good in the process (an account never comes back), an unlisted one is not remembered, so a
 * deletion takes effect at once in every process that shares the database. Reads are not checked:
 * the account's own data is erased, and a read of public data needs no account.
 *
 * Filled by the auth service as it erases a credential (`ctx.accounts.markDeleted`, before the
 * deletion answers) and by a runtime consumer of the `accountDeleted` port's event (for processes on other databases).
 */
export interface DeletedAccounts {
  markDeleted(userId: string, at: Date, db?: Kysely<unknown>): Promise<void>;
  /** Throws 401 when a write's caller belongs to a deleted account. */
  refuseWritesOfDeleted(method: string, caller: Caller): Promise<void>;
}

interface DenylistTables {
  'tokobapak.deleted_accounts': { user_id: string; deleted_at: Date };
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

/** The denylist on `db` (the runtime's schema). */
export function createDeletedAccounts(db: Kysely<unknown>): DeletedAccounts {
  const known = new Set<string>();
  const denylist = db as unknown as Kysely<DenylistTables>;
  const listed = coalescedReader(async (userIds: string[]) => {
    const rows = userIds.length === 1 ? await listedOne.execute(denylist, { userId: userIds[0] as string }) : await listedAmong.execute(denylist, { userIds });
    return new Map(rows.map((row) => [row.user_id, true]));
  });
  return {
    async markDeleted(userId, at, within = db) {
      await sql`insert into tokobapak.deleted_accounts (user_id, deleted_at) values (${userId}, ${at}) on conflict (user_id) do nothing`.execute(within);
      known.add(userId);
    },
    async refuseWritesOfDeleted(method, caller) {
      if (method === 'GET' || method === 'HEAD') return;
      if (caller.kind !== 'user' && caller.kind !== 'apiKey') return;
      if (!known.has(caller.userId)) {
        if (!(await listed([caller.userId])).has(caller.userId)) return;
        if (known.size >= 100_000) known.clear();
        known.add(caller.userId);
      }
      throw platformErrors.UNAUTHENTICATED('This account was deleted');
    },
  };
}
