import type { OrderComponents } from '@tokobapak/sdk';
import { queryTemplate } from '@tokobapak/server';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { OrderDatabase } from './database.js';
import { orderErrors } from './errors.js';
import { type CheckoutView, type HistoryRow, type LineRow, type OrderRow, REFUND_COLUMNS, type RefundView, toCheckout, toOrder } from './mappers.js';

type Schemas = OrderComponents['schemas'];
type Db = Kysely<OrderDatabase>;

/** Timestamps come back from JSON as text; everything else as the row would have it (int8 as a JSON number). */
type FromJson<Row> = { [K in keyof Row]: Row[K] extends Date ? string : Row[K] extends Date | null ? string | null : Row[K] };
/** An order of these statements; `refunds` is left out where the orders can have none yet (just placed). */
type OrderJson = FromJson<OrderRow> & { lines: LineRow[]; history: Array<FromJson<HistoryRow>>; refunds?: Array<FromJson<RefundView>> };
export type CheckoutJson = CheckoutView & { orders: OrderJson[] };

/** The checkout columns the API shows (not its placement or payment method, the process's own). */
export const CHECKOUT_COLUMNS = [
  'checkouts.id',
  'checkouts.customer_id',
  'checkouts.cart_id',
  'checkouts.status',
  'checkouts.currency',
  'checkouts.total',
  'checkouts.payment_id',
  'checkouts.payment_status',
  'checkouts.payment_instructions',
  'checkouts.payment_expires_at',
  'checkouts.failure_code',
  'checkouts.failure_message',
  'checkouts.expires_at',
  'checkouts.created_at',
  'checkouts.updated_at',
] as const;

/**
 * A customer's checkout with its orders, their lines and histories, in one statement compiled once
 * (a named prepared statement on PostgreSQL). A shopper's app reads its checkout over and over while
 * waiting for the payment: four statements a read were the largest share of a whole checkout's.
 */
const checkoutQuery = queryTemplate<OrderDatabase, { id: string; customerId: string }, CheckoutJson>({
  name: 'order_checkout_by_id',
  build: (db, p) =>
    db
      .selectFrom('checkouts')
      .select((eb) => [
        ...CHECKOUT_COLUMNS,
        jsonArrayFrom(
          eb
            .selectFrom('orders')
            .selectAll('orders')
            .select((inner) => [
              jsonArrayFrom(
                inner.selectFrom('order_lines').selectAll('order_lines').whereRef('order_lines.order_id', '=', 'orders.id').orderBy('order_lines.position'),
              ).as('lines'),
              jsonArrayFrom(
                inner
                  .selectFrom('order_status_history')
                  .selectAll('order_status_history')
                  .whereRef('order_status_history.order_id', '=', 'orders.id')
                  .orderBy('order_status_history.id'),
              ).as('history'),
              refundsJson(inner, 'orders.id'),
            ])
            .whereRef('orders.checkout_id', '=', 'checkouts.id')
            .orderBy('orders.store_id'),
        ).as('orders'),
      ])
      .where('checkouts.id', '=', p.id)
      .where('checkouts.customer_id', '=', p.customerId) as never,
});

/** A checkout of the customer with its orders; another customer's is {@link orderErrors.ORDER_CHECKOUT_NOT_FOUND}. */
export async function getCheckout(db: Db, customerId: string, checkoutId: string): Promise<Schemas['Checkout']> {
  const [row] = await checkoutQuery.execute(db, { id: checkoutId, customerId });
  if (!row) throw orderErrors.ORDER_CHECKOUT_NOT_FOUND();
  return checkoutOf(row);
}

/** A checkout as the API shows it, from the JSON of the read above (or of the statement that placed its orders). */
export function checkoutOf(row: CheckoutJson): Schemas['Checkout'] {
  return toCheckout(row, row.orders.map(orderOf));
}

/** The tables of the statement placing a checkout's orders: what it inserted, as its WITH names them. */
export type PlacingDatabase = OrderDatabase & { placed: OrderRow; lined: LineRow; recorded: HistoryRow };

/**
 * The orders just placed, with their lines and history, as the read above gives them (the same
 * JSON, in the same order), from the rows the placing statement inserted: so that statement
 * answers what a read right after it would.
 */
export function placedOrdersJson(eb: ExpressionBuilder<PlacingDatabase, 'checkouts'>) {
  return jsonArrayFrom(
    eb
      .selectFrom('placed')
      .selectAll('placed')
      .select((inner) => [
        jsonArrayFrom(inner.selectFrom('lined').selectAll('lined').whereRef('lined.order_id', '=', 'placed.id').orderBy('lined.position')).as('lines'),
        jsonArrayFrom(inner.selectFrom('recorded').selectAll('recorded').whereRef('recorded.order_id', '=', 'placed.id').orderBy('recorded.id')).as('history'),
      ])
      .orderBy('placed.store_id'),
  ).as('orders');
}

/** An order's refunds, oldest first, as JSON: for the statements that answer a checkout with its orders. */
export function refundsJson<DB extends OrderDatabase, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, orderId: string) {
  const inner = eb as unknown as ExpressionBuilder<OrderDatabase, 'order_refunds'>;
  return jsonArrayFrom(
    inner
      .selectFrom('order_refunds')
      .select(REFUND_COLUMNS.map((column) => `order_refunds.${column}` as const))
      .whereRef('order_refunds.order_id', '=', orderId as never)
      .orderBy('order_refunds.id'),
  ).as('refunds');
}

function orderOf(json: OrderJson): Schemas['Order'] {
  const { lines, history, refunds = [], ...row } = json;
  return toOrder(
    {
      ...row,
      created_at: new Date(row.created_at),
      updated_at: new Date(row.updated_at),
      parcel_returned_at: row.parcel_returned_at ? new Date(row.parcel_returned_at) : null,
    },
    lines,
    history.map((entry) => ({ ...entry, at: new Date(entry.at) })),
    refunds.map((refund) => ({
      ...refund,
      created_at: new Date(refund.created_at),
      updated_at: refund.updated_at === null ? null : new Date(refund.updated_at),
    })),
  );
}
