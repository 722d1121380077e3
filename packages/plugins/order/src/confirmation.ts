import type { OrderComponents } from '@tokobapak/sdk';
import { eventTypes } from '@tokobapak/sdk';
import { queryTemplate } from '@tokobapak/server';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { CHECKOUT_COLUMNS, type CheckoutJson, checkoutOf, refundsJson } from './checkout-read.js';
import type { OrderDatabase } from './database.js';
import type { HistoryRow, OrderRow } from './mappers.js';
import type { Tx } from './order-desk.js';
import { type MovedOrder, moveOrders, movingParts } from './status-change.js';

type Checkout = OrderComponents['schemas']['Checkout'];

/** The tables of the confirming statement: what it moved, recorded and stamped, as its WITH names them (of the stamped checkout only its id is read). */
type ConfirmingDatabase = OrderDatabase & { moved: OrderRow; recorded: HistoryRow; stamped: { id: string } };

/**
 * The checkout's orders waiting for payment become `paid`, each publishing `order.confirmed`, and
 * the checkout is `settled_at` now: one statement (see {@link moveOrders}) and the events. Each
 * event lists the orders confirmed with it (`checkoutOrderIds`), so that a consumer keeping a fact
 * per customer (the promotion service's first order) writes it once per checkout, not per store.
 *
 * With `answer` (a shopper's read is waiting for this checkout here), the same statement also
 * answers the checkout as a read right after its commit would (`answeringConfirmation`), for the
 * waiting reads to answer without reading it again; otherwise it answers nothing.
 */
export async function confirmOrders(tx: Tx, checkoutId: string, now: Date, answer = false): Promise<Checkout | undefined> {
  let orders: MovedOrder[];
  let settled: Checkout | undefined;
  if (answer) {
    const [row] = await answeringConfirmation.execute(tx.db, { checkoutId, now });
    orders = row?.moved ?? [];
    settled = row ? checkoutOf(row) : undefined;
  } else {
    orders = await moveOrders(
      tx,
      { checkoutId, from: 'pending_payment' },
      { status: 'paid', by: 'system', note: null, now, checkout: { settled_at: now, updated_at: now } },
    );
  }
  const checkoutOrderIds = orders.map((order) => order.id);
  await tx.publishMany(
    orders.map((order) => ({
      type: eventTypes.order.confirmed,
      subject: order.id,
      data: {
        orderId: order.id,
        checkoutId,
        customerId: order.customer_id,
        storeId: order.store_id,
        total: { amount: Number(order.total), currency: order.currency },
        checkoutOrderIds,
      },
    })),
  );
  return settled;
}

/**
 * The confirmation (the move above) answering the checkout with its orders, their lines and
 * histories, as the customer's read gives them (`checkout-read.ts`): the statement's parts see the
 * tables as they were before it, so the orders it moved and the history rows it wrote come from
 * what it returned, every other row from its table. Compiled once.
 */
const answeringConfirmation = queryTemplate<OrderDatabase, { checkoutId: string; now: Date }, CheckoutJson & { moved: MovedOrder[] }>({
  name: 'order_confirm_answering',
  build: (db, p) =>
    (
      movingParts(
        db,
        { checkoutId: p.checkoutId, from: 'pending_payment', status: 'paid', by: 'system', note: null, now: p.now, set: {}, checkout: {} },
        true,
      ) as unknown as Kysely<ConfirmingDatabase>
    )
      .with('stamped', (db) =>
        db
          .updateTable('checkouts')
          .set({ settled_at: p.now, updated_at: p.now } as never)
          .where('id', '=', p.checkoutId)
          .returning(CHECKOUT_COLUMNS),
      )
      .selectFrom('stamped')
      .selectAll('stamped')
      .select((eb) => [
        settledOrdersJson(eb as never),
        jsonArrayFrom(
          eb.selectFrom('moved').select(['moved.id', 'moved.customer_id', 'moved.store_id', 'moved.total', 'moved.currency']).orderBy('moved.id'),
        ).as('moved'),
      ]) as never,
});

/** The checkout's orders after the move: the moved ones as it returned them, the others from the table; each with its lines and its history, old and new. */
function settledOrdersJson(eb: ExpressionBuilder<ConfirmingDatabase, 'stamped'>) {
  const orders = eb
    .selectFrom('moved')
    .selectAll('moved')
    .unionAll(
      eb
        .selectFrom('orders')
        .selectAll('orders')
        .whereRef('orders.checkout_id', '=', 'stamped.id')
        .where('orders.id', 'not in', eb.selectFrom('moved').select('moved.id')),
    )
    .as('o');
  return jsonArrayFrom(
    eb
      .selectFrom(orders)
      .selectAll('o')
      .select((inner) => [
        jsonArrayFrom(
          inner.selectFrom('order_lines').selectAll('order_lines').whereRef('order_lines.order_id', '=', 'o.id').orderBy('order_lines.position'),
        ).as('lines'),
        jsonArrayFrom(
          inner
            .selectFrom(
              inner
                .selectFrom('order_status_history')
                .selectAll('order_status_history')
                .whereRef('order_status_history.order_id', '=', 'o.id')
                .unionAll(inner.selectFrom('recorded').selectAll('recorded').whereRef('recorded.order_id', '=', 'o.id'))
                .as('h'),
            )
            .selectAll('h')
            .orderBy('h.id'),
        ).as('history'),
        refundsJson(inner, 'o.id'),
      ])
      .orderBy('o.store_id'),
  ).as('orders');
}
