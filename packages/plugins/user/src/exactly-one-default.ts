import type { Kysely } from 'kysely';
import type { UserDatabase } from './database.js';
import { lockAccount, type Transact } from './users.js';

/** The tables of things a user has several of, exactly one of them the default. */
export type DefaultedTable = 'addresses' | 'payment_methods';

/** How one table keeps its default. */
export interface ExactlyOneDefaultSettings<T extends DefaultedTable> {
  table: T;
  /** The columns a caller gets back, `id` and `is_default` among them (payment methods leave out the write-only token); all when omitted. */
  columns?: ReadonlyArray<keyof UserDatabase[T] & string>;
  /** Whether the table has `updated_at`, set on every row whose default flag changes. */
  stampsUpdatedAt: boolean;
  /** The error for an id that does not exist or belongs to another user. */
  notFound: () => Error;
}

/** The default rules of one table; every operation runs in its own transaction with the user row locked. */
export interface ExactlyOneDefault<Row> {
  /**
   * Adds an item: the user's first one becomes the default whatever was asked, a later one only
   * when `requested`, and then the previous default stops being one. `insert` writes the row with
   * the flag it is given, in the same transaction.
   */
  add(
    transact: Transact,
    userId: string,
    requested: boolean | undefined,
    now: Date,
    insert: (db: Kysely<UserDatabase>, isDefault: boolean) => Promise<Row>,
  ): Promise<Row>;
  /** Deletes an item; when it was the default, the most recently created remaining one takes over. */
  remove(transact: Transact, userId: string, id: string, now: Date): Promise<void>;
  /** Moves the default to an item and returns it; on the default itself it changes nothing. */
  setDefault(transact: Transact, userId: string, id: string, now: Date): Promise<Row>;
}

// The columns every defaulted table has. `updated_at` only where `stampsUpdatedAt` says so.
interface DefaultedColumns {
  id: string;
  user_id: string;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}
// Both tables seen as one shape, under the name `items`; the real name is passed at run time.
type DefaultsDb = Kysely<{ items: DefaultedColumns }>;

/**
 * "Whenever a user has any, exactly one is the default" for addresses and payment methods alike.
 *
 * Every change takes the user row's lock first (`lockAccount`), so two requests of one user that
 * move the default run one after the other; the partial unique index `<table>_one_default` makes
 * a second default impossible whatever the code does.
 */
export function exactlyOneDefault<T extends DefaultedTable, Row>(settings: ExactlyOneDefaultSettings<T>): ExactlyOneDefault<Row> {
  const { stampsUpdatedAt, notFound } = settings;
  const table = settings.table as DefaultedTable as 'items';
  const columns = settings.columns as ReadonlyArray<keyof DefaultedColumns> | undefined;
  if (columns && !(columns.includes('id') && columns.includes('is_default')))
    throw new Error(`exactlyOneDefault(${table}): the columns must include id and is_default`);
  // One query builder for both tables: they share the columns used here.
  const items = (db: Kysely<UserDatabase>) => db as unknown as DefaultsDb;
  const flag = (isDefault: boolean, now: Date) => (stampsUpdatedAt ? { is_default: isDefault, updated_at: now } : { is_default: isDefault });

  async function clearDefault(db: Kysely<UserDatabase>, userId: string, now: Date): Promise<void> {
    await items(db).updateTable(table).set(flag(false, now)).where('user_id', '=', userId).where('is_default', '=', true).execute();
  }

  return {
    add(transact, userId, requested, now, insert) {
      return transact(async ({ db }) => {
        await lockAccount(db, userId);
        const any = await items(db).selectFrom(table).select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
        const isDefault = !any || requested === true;
        if (isDefault) await clearDefault(db, userId, now);
        return insert(db, isDefault);
      });
    },

    async remove(transact, userId, id, now) {
      await transact(async ({ db }) => {
        await lockAccount(db, userId);
        const removed = await items(db).deleteFrom(table).where('id', '=', id).where('user_id', '=', userId).returning('is_default').executeTakeFirst();
        if (!removed) throw notFound();
        if (!removed.is_default) return;
        const successor = await items(db)
          .selectFrom(table)
          .select('id')
          .where('user_id', '=', userId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (successor) await items(db).updateTable(table).set(flag(true, now)).where('id', '=', successor.id).execute();
      });
    },

    setDefault(transact, userId, id, now) {
      return transact(async ({ db }) => {
        await lockAccount(db, userId);
        const select = items(db).selectFrom(table).where('id', '=', id).where('user_id', '=', userId);
        const row = await (columns ? select.select(columns) : select.selectAll()).executeTakeFirst();
        if (!row) throw notFound();
        if (row.is_default) return row as Row;
        await clearDefault(db, userId, now);
        const update = items(db).updateTable(table).set(flag(true, now)).where('id', '=', id);
        return (await (columns ? update.returning(columns) : update.returningAll()).executeTakeFirstOrThrow()) as Row;
      });
    },
  };
}
