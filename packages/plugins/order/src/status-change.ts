import { queryTemplate } from '@tokobapak/server';
import type { Kysely, Updateable } from 'kysely';
import type { Actor, OrderDatabase, OrderStatus } from './database.js';
import type { Tx } from './order-desk.js';

/** Which orders move: the given ones (locked by the caller), or a checkout's orders still in a status. */
export type MovingOrders = { orderIds: string[] } | { checkoutId: string; from: OrderStatus };

/** A move of orders to `status`, by whom and why, with other columns of theirs set at once (`set`). */
export interface StatusChange {
  status: OrderStatus;
  by: Actor;
  note: string | null;
  now: Date;
  set?: Omit<Updateable<OrderDatabase['orders']>, 'status' | 'updated_at'>;
  /** Columns of the orders' checkout written with the move (a checkout's orders only). */
  checkout?: Updateable<OrderDatabase['checkouts']>;
}

/** What the events of a move say of each order moved. */
export interface MovedOrder {
  id: string;
  customer_id: string;
  store_id: string;
  total: number;
  currency: string;
}

/**
 * Moves orders to a status and writes each move as a row of the order's history, in one statement
 * (the history rows are the moved rows' own, so they are written exactly for the orders that
 * moved). A checkout's orders move only if they are still in `from`: the update locks each one and
 * checks it again once a concurrent change has committed, as a locking read before it would, so of
 * a confirmation and a cancellation racing, one moves the orders and the other finds none.
 */
export async function moveOrders(tx: Tx, which: MovingOrders, change: StatusChange): Promise<MovedOrder[]> {
  if ('orderIds' in which && which.orderIds.length === 0) return [];
  const set = definedColumns(change.set);
  const checkout = 'checkoutId' in which ? definedColumns(change.checkout) : {};
  const templated = ('checkoutId' in which || which.orderIds.length <= TEMPLATED_IDS) && [set, checkout].every(plainValues);
  if (!templated) return movingStatement(tx.db, moveOf(which, change, set, checkout)).execute();
  const values: Record<string, unknown> = {
    shape: ['checkoutId' in which ? 'checkout' : `ids${which.orderIds.length}`, Object.keys(set).sort().join(','), Object.keys(checkout).sort().join(',')].join(
      ':',
    ),
    status: change.status,
    by: change.by,
    note: change.note,
    now: change.now,
    ...('checkoutId' in which ? { checkoutId: which.checkoutId, from: which.from } : Object.fromEntries(which.orderIds.map((id, index) => [`id${index}`, id]))),
    ...prefixed('set_', set),
    ...prefixed('checkout_', checkout),
  };
  return (await movingTemplate.execute(tx.db, values)) as MovedOrder[];
}

/** A move with every value given (or a placeholder standing for it): the orders by id or a checkout's in a status. */
export interface Move {
  orderIds?: unknown[];
  checkoutId?: unknown;
  from?: unknown;
  status: unknown;
  by: unknown;
  note: unknown;
  now: unknown;
  set: Record<string, unknown>;
  checkout: Record<string, unknown>;
}

function moveOf(which: MovingOrders, change: StatusChange, set: Record<string, unknown>, checkout: Record<string, unknown>): Move {
  const { status, by, note, now } = change;
  return { ...which, status, by, note, now, set, checkout };
}

/**
 * The two parts every move begins with: `moved`, the orders moved (the columns the events need, or
 * `whole` rows), and `recorded`, their history rows (their ids, or `whole` rows).
 */
export function movingParts(db: Kysely<OrderDatabase>, move: Move, whole = false) {
  return db
    .with('moved', (db) => {
      const update = db.updateTable('orders').set({ ...move.set, status: move.status, updated_at: move.now } as never);
      const chosen = move.orderIds
        ? update.where('id', 'in', move.orderIds as string[])
        : update.where('checkout_id', '=', move.checkoutId as string).where('status', '=', move.from as OrderStatus);
      // Typed as the narrow answer either way: a statement that asks for whole rows reads them as whole rows.
      return whole ? (chosen.returningAll() as never) : chosen.returning(MOVED_COLUMNS);
    })
    .with('recorded', (db) => {
      const insert = db
        .insertInto('order_status_history')
        .columns(['order_id', 'status', 'actor', 'note', 'at'])
        .expression((eb) =>
          eb
            .selectFrom('moved')
            .select((eb) => [
              'moved.id',
              eb.cast<OrderStatus>(eb.val(move.status), 'text').as('status'),
              eb.cast<Actor>(eb.val(move.by), 'text').as('actor'),
              eb.cast<string | null>(eb.val(move.note), 'text').as('note'),
              eb.cast<Date>(eb.val(move.now), 'timestamptz').as('at'),
            ])
            .orderBy('moved.id'),
        );
      return whole ? (insert.returningAll() as never) : insert.returning('order_status_history.id');
    });
}

/** The columns of a moved order its events say (`MovedOrder`). */
const MOVED_COLUMNS = ['id', 'customer_id', 'store_id', 'total', 'currency'] as const;

/** The moving statement (above); the checkout's columns are written with a checkout's orders only. */
function movingStatement(db: Kysely<OrderDatabase>, move: Move) {
  const moving = movingParts(db, move);
  const statement =
    move.checkoutId !== undefined && Object.keys(move.checkout).length > 0
      ? moving.with('stamped', (db) =>
          db
            .updateTable('checkouts')
            .set(move.checkout as never)
            .where('id', '=', move.checkoutId as string)
            .returning('checkouts.id'),
        )
      : moving;
  return (statement as typeof moving).selectFrom('moved').selectAll('moved').orderBy('moved.id');
}

// Moves of this many orders by id (one, from the order desk) run a statement compiled once per count.
const TEMPLATED_IDS = 8;

/**
 * The moving statement compiled once per shape: `<checkout | ids<count>>:<orders' columns set>:<checkout's columns set>`.
 * A confirmation or a cancellation of a checkout's orders and each order desk change run one.
 */
const movingTemplate = queryTemplate<OrderDatabase, Record<string, unknown>, MovedOrder>({
  name: 'order_move',
  shape: (values) => values.shape as string,
  build: (db, p, values) => {
    const columns = (prefix: string) =>
      Object.fromEntries(
        Object.keys(values)
          .filter((key) => key.startsWith(prefix))
          .map((key) => [key.slice(prefix.length), p[key]]),
      );
    const ids = Object.keys(values).filter((key) => /^id\d+$/.test(key));
    return movingStatement(db, {
      ...('checkoutId' in values ? { checkoutId: p.checkoutId, from: p.from } : { orderIds: ids.map((key) => p[key]) }),
      status: p.status,
      by: p.by,
      note: p.note,
      now: p.now,
      set: columns('set_'),
      checkout: columns('checkout_'),
    }) as never;
  },
});

/** The columns given a value (Kysely leaves out those set to undefined). */
function definedColumns(columns: object | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(columns ?? {}).filter(([, value]) => value !== undefined));
}

/** Plain values only (no SQL expressions): what a placeholder can stand for. */
function plainValues(columns: Record<string, unknown>): boolean {
  return Object.values(columns).every((value) => value === null || typeof value !== 'object' || value instanceof Date);
}

function prefixed(prefix: string, columns: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(columns).map(([column, value]) => [`${prefix}${column}`, value]));
}
