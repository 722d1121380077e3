import { type Kysely, type Migration, sql } from 'kysely';

/** Payments with their history and refunds, the sandbox gateway's books, and generated secrets. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    const now = sql`now()`;
    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('customer_id', 'text')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('pending', 'paid', 'expired', 'cancelled', 'failed', 'refunded', 'partially_refunded')`),
      )
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('currency', 'text', (c) => c.notNull())
      // The last line of defence: whatever the code does, refunds never exceed the amount.
      .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`refunded_amount >= 0 and refunded_amount <= amount`))
      .addColumn('method', 'jsonb', (c) => c.notNull())
      .addColumn('instructions', 'jsonb')
      .addColumn('provider_reference', 'text')
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('paid_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    // The reconciliation job walks pending payments by age.
    await db.schema.createIndex('payments_pending').on('payments').columns(['created_at', 'id']).where(sql.ref('status'), '=', 'pending').execute();

    await db.schema
      .createTable('payment_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('api', 'webhook', 'reconciliation')`))
      .addColumn('note', 'text')
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payment_history_payment').on('payment_history').columns(['payment_id', 'id']).execute();

    await db.schema
      .createTable('refunds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id').onDelete('cascade'))
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('refunds_payment_key_unique', ['payment_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('refunds_pending').on('refunds').columns(['created_at', 'id']).where(sql.ref('status'), '=', 'pending').execute();

    await db.schema
      .createTable('sandbox_transactions')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('transaction_id', 'text', (c) => c.notNull())
      .addColumn('method', 'jsonb', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`refunded_amount <= amount`))
      .addColumn('va_number', 'text')
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema
      .createTable('sandbox_refunds')
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('refund_key', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('sandbox_refunds_pk', ['order_id', 'refund_key'])
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['settings', 'sandbox_refunds', 'sandbox_transactions', 'refunds', 'payment_history', 'payments']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
