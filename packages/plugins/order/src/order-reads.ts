import type { OrderComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { OrderDatabase, OrderStatus } from './database.js';
import { orderErrors } from './errors.js';
import { type OrderRow, REFUND_COLUMNS, toOrder } from './mappers.js';

type Schemas = OrderComponents['schemas'];
type Db = Kysely<OrderDatabase>;

const ORDER_ID = /^ord_[0-9a-z]{26}$/;

/** Whose orders a list or a read is limited to: a customer's or a store's, never both, never neither. */
export type OrderOwner = { customerId: string } | { storeId: string };

/** Orders as the API shows them, with their lines, history and refunds, in the order of `rows`. */
export async function withDetails(db: Db, rows: OrderRow[]): Promise<Schemas['Order'][]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [lines, history, refunds] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', 'in', ids).orderBy('order_id').orderBy('position').execute(),
    db.selectFrom('order_status_history').selectAll().where('order_id', 'in', ids).orderBy('order_id').orderBy('id').execute(),
    db.selectFrom('order_refunds').select(REFUND_COLUMNS).select('order_id').where('order_id', 'in', ids).orderBy('order_id').orderBy('id').execute(),
  ]);
  return rows.map((row) =>
    toOrder(
      row,
      lines.filter((line) => line.order_id === row.id),
      history.filter((entry) => entry.order_id === row.id),
      refunds.filter((refund) => refund.order_id === row.id),
    ),
  );
}

/** One page of an owner's orders, newest first. */
export async function listOrders(
  db: Db,
  owner: OrderOwner,
  query: { status?: OrderStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Order']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, ORDER_ID);
  let select = db.selectFrom('orders').selectAll();
  select = 'storeId' in owner ? select.where('store_id', '=', owner.storeId) : select.where('customer_id', '=', owner.customerId);
  if (query.status) select = select.where('status', '=', query.status);
  if (after) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => row,
  );
  return { items: await withDetails(db, page.items), nextCursor: page.nextCursor };
}

/** One of the owner's orders; another owner's is {@link orderErrors.ORDER_NOT_FOUND}, like a missing one. */
export async function getOrder(db: Db, owner: OrderOwner, orderId: string): Promise<Schemas['Order']> {
  let select = db.selectFrom('orders').selectAll().where('id', '=', orderId);
  select = 'storeId' in owner ? select.where('store_id', '=', owner.storeId) : select.where('customer_id', '=', owner.customerId);
  const row = await select.executeTakeFirst();
  if (!row) throw orderErrors.ORDER_NOT_FOUND();
  const [order] = await withDetails(db, [row]);
  if (!order) throw orderErrors.ORDER_NOT_FOUND();
  return order;
}
