import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A `jsonb` column: read as a value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;
/** A `bigint` column: node-postgres reads it as a string, PGlite as a number; read through `Number`. */
type Int8 = ColumnType<string | number | bigint, number, number>;

/** Who prices and carries a parcel. */
export type ProviderName = 'flat-rate' | 'weight-table' | 'biteship';

/** A shipment's place in its life; only ever moves forward (see `status.ts`). */
export type ShipmentStatus = 'pending' | 'picked_up' | 'in_transit' | 'delivered' | 'returned' | 'cancelled';

/** Who reported a status change. */
export type StatusSource = 'system' | 'store' | 'carrier-webhook' | 'carrier-poll';

/** A destination as stored with a quote or a shipment (the spec's `Destination`). */
export interface StoredDestination {
  postalCode: string;
  countryCode?: string;
  region?: string;
  city?: string;
  recipientName?: string;
  phone?: string;
  line1?: string;
  line2?: string;
}

/** A parcel item as stored with a shipment. */
export interface StoredItem {
  name?: string;
  weight: number;
  quantity: number;
  value?: number;
}

/** The shipping service's tables (schema `shipping`). */
export interface ShippingDatabase {
  /** One row per store that has set up shipping; the JSON columns are the spec's settings parts. */
  store_settings: {
    store_id: string;
    currency: string;
    flat_rate: NullableJson<Record<string, unknown>>;
    weight_table: NullableJson<Record<string, unknown>>;
    biteship: NullableJson<Record<string, unknown>>;
    quote_ttl_seconds: number;
    updated_at: Timestamp;
  };
  /** Every option ever quoted: the option id is the row, so its price is the service's, never the client's. */
  quotes: {
    id: string;
    store_id: string;
    provider: ProviderName;
    service: string;
    name: string;
    amount: Int8;
    currency: string;
    min_days: number | null;
    max_days: number | null;
    postal_code: string;
    weight: Int8;
    /** What the provider needs to book this option later (a carrier's company and service codes). */
    carrier_data: Json<Record<string, unknown>>;
    created_at: Timestamp;
    expires_at: Timestamp;
  };
  shipments: {
    id: string;
    /** The order id; unique, which makes creation idempotent. */
    reference: string;
    store_id: string;
    customer_id: string | null;
    quote_id: string;
    provider: ProviderName;
    service: string;
    name: string;
    amount: Int8;
    currency: string;
    destination: Json<StoredDestination>;
    items: Json<StoredItem[]>;
    weight: Int8;
    status: ShipmentStatus;
    tracking_number: string | null;
    tracking_url: string | null;
    /** The carrier's own id of the booking (Biteship's order id); null for the built-in providers. */
    carrier_reference: string | null;
    carrier_data: Json<Record<string, unknown>>;
    /** Null while the parcel is being booked; a row without it is a claim, not yet a shipment. */
    booked_at: NullableTimestamp;
    booking_started_at: Timestamp;
    last_polled_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  shipment_history: {
    id: Generated<number>;
    shipment_id: string;
    status: ShipmentStatus;
    note: string | null;
    source: StatusSource;
    at: Timestamp;
  };
}
