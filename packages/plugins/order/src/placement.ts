import { eventTypes } from '@tokobapak/sdk';
import { newId, type RowLists, rowsTemplate } from '@tokobapak/server';
import type { ExpressionBuilder, Insertable, Kysely, UpdateObject } from 'kysely';
import { CHECKOUT_COLUMNS, type CheckoutJson, placedOrdersJson } from './checkout-read.js';
import type { Actor, OrderDatabase, ShippingAddressJson, ShippingChoiceJson } from './database.js';
import type { Tx } from './order-desk.js';
import { moveOrders } from './status-change.js';

/** One line of a store's order as the cart priced it at checkout. */
export interface PlacedLine {
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discount: number;
  discountAllocations: Array<{ promotionId: string; amount: number }>;
  tax: number;
  total: number;
}

/** One store's part of a checkout, with every amount as it was at checkout (minor units of `currency`). */
export interface PlacedOrder {
  orderId: string;
  storeId: string;
  lines: PlacedLine[];
  subtotal: number;
  discount: number;
  shippingAmount: number;
  shippingDiscount: number;
  tax: number;
  total: number;
  shipping: ShippingChoiceJson;
  /** The parcel's weight in grams, which the shipping quote must cover (absent in placements from before it was kept). */
  parcelWeight?: number;
}

/** What placing a checkout's orders needs. */
export interface Placement {
  checkoutId: string;
  customerId: string;
  currency: string;
  shippingAddress: ShippingAddressJson;
  platformFeeBasisPoints: number;
  orders: PlacedOrder[];
  /** The promotions the cart applied, with the discount each gave, which the checkout reserves (absent: none). */
  promotions?: Array<{ promotionId: string; amount: number }>;
}

/**
 * Writes one order per store with its lines and its first history entry, and publishes
 * `order.placed` for each, in the caller's transaction: the orders, their lines and their history
 * are one statement, which also writes the checkout's `checkout` columns when given (the checkout
 * that placed them, still `processing`), and the events another. A step that may have run before
 * (`resumed`, the default) leaves the orders it placed as they are: the unique (checkout, store)
 * pair makes it safe to run twice. Given `checkout`, it resolves with the checkout as its customer
 * would read it right after (see `getCheckout`) when this statement placed all of its orders.
 */
export async function placeOrders(
  tx: Tx,
  placement: Placement,
  now: Date,
  options: { resumed: boolean; checkout?: CheckoutWrite } = { resumed: true },
): Promise<CheckoutJson | undefined> {
  const placed = new Set<string>();
  if (options.resumed) {
    const existing = await tx.db.selectFrom('orders').select('store_id').where('checkout_id', '=', placement.checkoutId).execute();
    for (const row of existing) placed.add(row.store_id);
  }
  const orders = placement.orders.filter((order) => !placed.has(order.storeId));
  const checkout = options.checkout;
  if (orders.length === 0) {
    if (checkout) {
      await tx.db
        .updateTable('checkouts')
        .set((eb) => checkoutSet(eb, checkout))
        .where('id', '=', placement.checkoutId)
        .where('status', '=', 'processing')
        .execute();
    }
    return undefined;
  }
  const [row] = await placing(
    tx.db,
    { checkoutId: placement.checkoutId },
    {
      orders: orders.map((order) => orderRow(placement, order, now)),
      lines: orders.flatMap(lineRows),
      history: orders.map((order) => ({ order_id: order.orderId, status: 'pending_payment' as const, actor: 'customer' as const, note: null, at: now })),
      checkout: checkout ? [checkout] : [],
    },
  );
  // Only when every order is this statement's is what it inserted the whole checkout.
  const answer = checkout && row && orders.length === placement.orders.length ? (row as CheckoutJson) : undefined;
  await tx.publishMany(
    orders.map((order) => ({
      type: eventTypes.order.placed,
      subject: order.orderId,
      data: {
        orderId: order.orderId,
        checkoutId: placement.checkoutId,
        customerId: placement.customerId,
        storeId: order.storeId,
        total: { amount: order.total, currency: placement.currency },
      },
    })),
  );
  return answer;
}

/**
 * What placing the orders writes to their checkout (see `place-orders`): plain values, so that the
 * statement is compiled once per shape. `payment_status` is written only where the checkout has
 * none yet (a payment event that came first already says where the payment stands).
 */
export interface CheckoutWrite {
  status: 'awaiting_payment';
  updated_at: Date;
  reservation_id?: string;
  redemption_id?: string;
  payment_id?: string;
  payment_status?: string;
  /** JSON text. */
  payment_instructions?: string;
  payment_expires_at?: string | null;
}

/** The checkout's columns as written: `payment_status` only where there is none (see {@link CheckoutWrite}). */
function checkoutSet(eb: ExpressionBuilder<OrderDatabase, 'checkouts'>, write: CheckoutWrite): UpdateObject<OrderDatabase, 'checkouts'> {
  const { payment_status: status, ...columns } = write;
  return { ...columns, ...(status === undefined ? {} : { payment_status: eb.fn.coalesce('payment_status', eb.val(status)) }) };
}

type OrderInsert = Insertable<OrderDatabase['orders']>;
type LineInsert = Insertable<OrderDatabase['order_lines']>;
type HistoryInsert = Insertable<OrderDatabase['order_status_history']>;

/** The rows one placing statement inserts, and the checkout's columns it writes (in none or one row). */
interface PlacingRows {
  orders: OrderInsert;
  lines: LineInsert;
  history: HistoryInsert;
  checkout: CheckoutWrite;
}

/**
 * The placing statement: the orders, their lines and their history, and the checkout's columns
 * when given (answering the checkout as `getCheckout` reads it), else the orders' ids. Data-modifying
 * statements in one WITH all run, each on the statement's snapshot; the lines' and the history's
 * references to the new orders are checked at its end, when the orders are there.
 */
function placingStatement(db: Kysely<OrderDatabase>, { checkoutId }: { checkoutId: string }, rows: RowLists<PlacingRows>) {
  const writing = db
    .with('placed', (db) => db.insertInto('orders').values(rows.orders).returningAll())
    .with('lined', (db) => db.insertInto('order_lines').values(rows.lines).returningAll())
    .with('recorded', (db) => db.insertInto('order_status_history').values(rows.history).returningAll());
  const [checkout] = rows.checkout;
  if (!checkout) return writing.selectFrom('placed').select('placed.id');
  return writing
    .updateTable('checkouts')
    .set((eb) => checkoutSet(eb as unknown as ExpressionBuilder<OrderDatabase, 'checkouts'>, checkout))
    .where('id', '=', checkoutId)
    .where('status', '=', 'processing')
    .returning((eb) => [...CHECKOUT_COLUMNS, placedOrdersJson(eb)]);
}

/**
 * The placing statement compiled once per shape: its text holds a placeholder per inserted value,
 * so it varies with the number of orders and of lines and with the checkout's columns written.
 * Checkouts up to 4 stores and 16 lines (almost all) run a compiled shape; a larger one is built
 * for itself, so that the shapes kept stay few, and so is a placement stored long ago that lacks
 * a field (Kysely writes the column's default, a placeholder cannot).
 */
const placing = rowsTemplate<OrderDatabase, { checkoutId: string }, PlacingRows, unknown>({
  name: 'order_place',
  max: { orders: 4, lines: 16, history: 4, checkout: 1 },
  shape: (_fixed, { checkout: [checkout] }) => (checkout ? Object.keys(checkout).sort().join(',') : '-'),
  build: placingStatement,
});

function orderRow(placement: Placement, order: PlacedOrder, now: Date): OrderInsert {
  return {
    id: order.orderId,
    checkout_id: placement.checkoutId,
    store_id: order.storeId,
    customer_id: placement.customerId,
    status: 'pending_payment',
    currency: placement.currency,
    subtotal: order.subtotal,
    discount: order.discount,
    shipping_amount: order.shippingAmount,
    shipping_discount: order.shippingDiscount,
    tax: order.tax,
    total: order.total,
    refunded: 0,
    platform_fee_bps: placement.platformFeeBasisPoints,
    platform_fee: null,
    shipping: JSON.stringify(order.shipping),
    shipping_address: JSON.stringify(placement.shippingAddress),
    created_at: now,
    updated_at: now,
  };
}

function lineRows(order: PlacedOrder): LineInsert[] {
  return order.lines.map((line, position) => ({
    id: newId('oln'),
    order_id: order.orderId,
    position,
    variant_id: line.variantId,
    product_id: line.productId,
    product_title: line.productTitle,
    variant_title: line.variantTitle,
    sku: line.sku,
    quantity: line.quantity,
    unit_price: line.unitPrice,
    subtotal: line.subtotal,
    discount: line.discount,
    discount_allocations: JSON.stringify(line.discountAllocations),
    tax: line.tax,
    total: line.total,
  }));
}

/**
 * The checkout's orders waiting for payment are cancelled (the checkout was given up), each
 * publishing `order.cancelled`, and the checkout is `released_at` now: one statement and the events.
 */
export async function cancelUnpaidOrders(tx: Tx, checkoutId: string, by: Actor, reason: string | null, now: Date): Promise<void> {
  const orders = await moveOrders(
    tx,
    { checkoutId, from: 'pending_payment' },
    { status: 'cancelled', by, note: reason, now, checkout: { released_at: now, updated_at: now } },
  );
  await tx.publishMany(
    orders.map((order) => ({
      type: eventTypes.order.cancelled,
      subject: order.id,
      data: { orderId: order.id, checkoutId, storeId: order.store_id, customerId: order.customer_id, by, reason },
    })),
  );
}
