import type { Updateable } from 'kysely';
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
  const moving = tx.db
    .with('moved', (db) => {
      const update = db.updateTable('orders').set({ ...change.set, status: change.status, updated_at: change.now });
      const chosen =
        'orderIds' in which ? update.where('id', 'in', which.orderIds) : update.where('checkout_id', '=', which.checkoutId).where('status', '=', which.from);
      return chosen.returning(['id', 'customer_id', 'store_id', 'total', 'currency']);
    })
    .with('recorded', (db) =>
      db
        .insertInto('order_status_history')
        .columns(['order_id', 'status', 'actor', 'note', 'at'])
        .expression((eb) =>
          eb
            .selectFrom('moved')
            .select((eb) => [
              'moved.id',
              eb.cast<OrderStatus>(eb.val(change.status), 'text').as('status'),
              eb.cast<Actor>(eb.val(change.by), 'text').as('actor'),
              eb.cast<string | null>(eb.val(change.note), 'text').as('note'),
              eb.cast<Date>(eb.val(change.now), 'timestamptz').as('at'),
            ])
            .orderBy('moved.id'),
        )
        .returning('order_status_history.id'),
    );
  const stamping = change.checkout && 'checkoutId' in which ? { checkoutId: which.checkoutId, set: change.checkout } : undefined;
  const statement = stamping
    ? moving.with('stamped', (db) => db.updateTable('checkouts').set(stamping.set).where('id', '=', stamping.checkoutId).returning('checkouts.id'))
    : moving;
  return (statement as typeof moving).selectFrom('moved').selectAll('moved').orderBy('moved.id').execute();
}
