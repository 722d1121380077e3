import { type Kysely, type Migration, sql } from 'kysely';

/** Store settings, quotes, shipments and their status history. */
export const initial: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('store_settings')
      .addColumn('store_id', 'text', (c) => c.primaryKey())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('flat_rate', 'jsonb')
      .addColumn('weight_table', 'jsonb')
      .addColumn('biteship', 'jsonb')
      .addColumn('quote_ttl_seconds', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('quotes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('min_days', 'integer')
      .addColumn('max_days', 'integer')
      .addColumn('postal_code', 'text', (c) => c.notNull())
      .addColumn('weight', 'bigint', (c) => c.notNull())
      .addColumn('carrier_data', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
    // The sweep drops quotes nobody can ship any more.
    await db.schema.createIndex('quotes_created_at').on('quotes').column('created_at').execute();

    await db.schema
      .createTable('shipments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text')
      // Not a foreign key: quotes are swept, shipments stay.
      .addColumn('quote_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('destination', 'jsonb', (c) => c.notNull())
      .addColumn('items', 'jsonb', (c) => c.notNull())
      .addColumn('weight', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'picked_up', 'in_transit', 'delivered', 'returned', 'cancelled')`))
      .addColumn('tracking_number', 'text')
      .addColumn('tracking_url', 'text')
      .addColumn('carrier_reference', 'text')
      .addColumn('carrier_data', 'jsonb', (c) => c.notNull())
      .addColumn('booked_at', 'timestamptz')
      .addColumn('booking_started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_polled_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    // The store's list, newest first.
    await db.schema.createIndex('shipments_store_id').on('shipments').columns(['store_id', 'id']).execute();
    // Webhooks find a shipment by the carrier's id of it.
    await db.schema.createIndex('shipments_carrier_reference').on('shipments').columns(['provider', 'carrier_reference']).unique().execute();
    // Polling: open, booked carrier shipments, the least recently polled first.
    await db.schema
      .createIndex('shipments_open_carrier')
      .on('shipments')
      .columns(['last_polled_at'])
      .where(sql<boolean>`carrier_reference is not null and status in ('pending', 'picked_up', 'in_transit')`)
      .execute();

    await db.schema
      .createTable('shipment_history')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('shipment_id', 'text', (c) => c.notNull().references('shipments.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shipment_history_shipment').on('shipment_history').columns(['shipment_id', 'id']).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['shipment_history', 'shipments', 'quotes', 'store_settings']) await db.schema.dropTable(table).ifExists().execute();
  },
};
