import { type Kysely, type Migration, sql } from 'kysely';

const ORDER_STATUSES = sql`('pending_payment', 'paid', 'accepted', 'shipped', 'completed', 'cancelled')`;

/** Checkouts, their orders (one per store), order lines, status history and refunds. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('checkouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('cart_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('processing', 'awaiting_payment', 'paid', 'failed', 'expired', 'cancelled')`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('total', 'bigint', (c) => c.notNull().check(sql`total >= 0`))
      .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
      .addColumn('payment_method', 'jsonb', (c) => c.notNull())
      .addColumn('payment_id', 'text')
      .addColumn('payment_status', 'text')
      .addColumn('payment_instructions', 'jsonb')
      .addColumn('payment_expires_at', 'timestamptz')
      .addColumn('reservation_id', 'text')
      .addColumn('redemption_id', 'text')
      .addColumn('failure_code', 'text')
      .addColumn('failure_message', 'text')
      .addColumn('expires_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    // The expiry sweep: unpaid checkouts by deadline.
    await db.schema.createIndex('checkouts_awaiting_expiry').on('checkouts').column('expires_at').where(sql.ref('status'), '=', 'awaiting_payment').execute();

    await db.schema
      .createTable('orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('checkout_id', 'text', (c) => c.notNull().references('checkouts.id'))
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${ORDER_STATUSES}`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('subtotal', 'bigint', (c) => c.notNull())
      .addColumn('discount', 'bigint', (c) => c.notNull())
      .addColumn('shipping_amount', 'bigint', (c) => c.notNull())
      .addColumn('shipping_discount', 'bigint', (c) => c.notNull())
      .addColumn('tax', 'bigint', (c) => c.notNull())
      .addColumn('total', 'bigint', (c) => c.notNull().check(sql`total >= 0`))
      .addColumn('refunded', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('platform_fee_bps', 'integer', (c) => c.notNull().check(sql`platform_fee_bps between 0 and 10000`))
      .addColumn('platform_fee', 'bigint')
      .addColumn('shipping', 'jsonb', (c) => c.notNull())
      .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
      .addColumn('shipment_id', 'text')
      .addColumn('tracking_number', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      // Never refund more than was charged, whatever the application does.
      .addCheckConstraint('orders_refund_within_total', sql`refunded between 0 and total`)
      // One order per store per checkout: a resumed placement cannot make a second.
      .addUniqueConstraint('orders_checkout_store', ['checkout_id', 'store_id'])
      .execute();
    // The order desk and the customer's list: newest first within an owner.
    await db.schema.createIndex('orders_store_id').on('orders').columns(['store_id', 'id']).execute();
    await db.schema.createIndex('orders_customer_id').on('orders').columns(['customer_id', 'id']).execute();

    await db.schema
      .createTable('order_lines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('variant_id', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('product_title', 'text', (c) => c.notNull())
      .addColumn('variant_title', 'text')
      .addColumn('sku', 'text')
      .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
      .addColumn('unit_price', 'bigint', (c) => c.notNull())
      .addColumn('subtotal', 'bigint', (c) => c.notNull())
      .addColumn('discount', 'bigint', (c) => c.notNull())
      .addColumn('discount_allocations', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('tax', 'bigint', (c) => c.notNull())
      .addColumn('total', 'bigint', (c) => c.notNull())
      .addColumn('refunded_quantity', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
      .addCheckConstraint('order_lines_refund_within_line', sql`refunded_quantity between 0 and quantity and refunded_amount between 0 and total`)
      .execute();
    await db.schema.createIndex('order_lines_order').on('order_lines').columns(['order_id', 'position']).execute();

    await db.schema
      .createTable('order_status_history')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${ORDER_STATUSES}`))
      .addColumn('actor', 'text', (c) => c.notNull().check(sql`actor in ('customer', 'store', 'system')`))
      .addColumn('note', 'text')
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('order_status_history_order').on('order_status_history').columns(['order_id', 'id']).execute();

    await db.schema
      .createTable('order_refunds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('reason', 'text')
      .addColumn('lines', 'jsonb', (c) => c.notNull())
      .addColumn('payment_refund_id', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('order_refunds_order').on('order_refunds').columns(['order_id', 'id']).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['order_refunds', 'order_status_history', 'order_lines', 'orders', 'checkouts']) await db.schema.dropTable(table).ifExists().execute();
  },
};
