import { portEvents } from '@tokobapak/sdk';
import { type Kysely, type Migration, sql } from 'kysely';
import type { Caller } from './caller.js';
import { platformErrors } from './errors.js';

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
 * Cost: one primary-key lookup per write by a person or key; a listed id is remembered for good in
 * the process (an account never comes back), an unlisted one is not remembered, so a deletion
 * takes effect at once in every process that shares the database. Reads are not checked: the
 * account's own data is erased, and a read of public data needs no account.
 *
 * Filled by the auth service as it erases a credential (`ctx.accounts.markDeleted`, before the
 * deletion answers) and by a runtime consumer of the `accountDeleted` port's event (for processes on other databases).
 */
export interface DeletedAccounts {
  markDeleted(userId: string, at: Date, db?: Kysely<unknown>): Promise<void>;
  /** Throws 401 when a write's caller belongs to a deleted account. */
  refuseWritesOfDeleted(method: string, caller: Caller): Promise<void>;
}

/** The denylist on `db` (the runtime's schema). */
export function createDeletedAccounts(db: Kysely<unknown>): DeletedAccounts {
  const known = new Set<string>();
  return {
    async markDeleted(userId, at, within = db) {
      await sql`insert into tokobapak.deleted_accounts (user_id, deleted_at) values (${userId}, ${at}) on conflict (user_id) do nothing`.execute(within);
      known.add(userId);
    },
    async refuseWritesOfDeleted(method, caller) {
      if (method === 'GET' || method === 'HEAD') return;
      if (caller.kind !== 'user' && caller.kind !== 'apiKey') return;
      if (!known.has(caller.userId)) {
        const listed = await sql`select 1 from tokobapak.deleted_accounts where user_id = ${caller.userId}`.execute(db);
        if (listed.rows.length === 0) return;
        if (known.size >= 100_000) known.clear();
        known.add(caller.userId);
      }
      throw platformErrors.UNAUTHENTICATED('This account was deleted');
    },
  };
}
