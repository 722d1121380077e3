import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `jsonb` column: read as a value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** A cart's lifecycle: only `open` carts change. */
export type CartStatus = 'open' | 'merged' | 'completed' | 'expired';

/** The cart service's tables (schema `cart`). Customer, store and variant ids are other services' ids: plain columns, never foreign keys. */
export interface CartDatabase {
  carts: {
    id: string;
    /** The owner; null for a guest cart. At most one open cart per customer (a partial unique index). */
    customer_id: string | null;
    /** SHA-256 of a guest cart's token (hex); null for a customer's cart. The token itself is never stored. */
    token_hash: string | null;
    status: CartStatus;
    currency: string;
    coupon_codes: Json<string[]>;
    /** The checkout that completed it. */
    checkout_id: string | null;
    /** The customer cart a guest cart was merged into. */
    merged_into: string | null;
    created_at: Timestamp;
    /** Every change moves it; expiry counts idleness from it. */
    updated_at: Timestamp;
  };
  cart_lines: {
    id: string;
    cart_id: string;
    variant_id: string;
    /** Where the variant belonged when added; the current store comes from inventory on every read. */
    store_id: string;
    quantity: number;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  /** The shipping option chosen per store of a cart, priced by the shipping service. */
  cart_shipping: {
    cart_id: string;
    store_id: string;
    option_id: string;
    amount: ColumnType<string | number, number, number>;
    /** Grams the option was quoted for; a heavier parcel needs a new choice. */
    weight: ColumnType<string | number, number, number>;
    selected_at: Timestamp;
  };
  /** A line added for another service under a reference (a wishlist move): each customer's reference adds once. */
  line_references: {
    customer_id: string;
    reference: string;
    /** The cart the line went into. */
    cart_id: string;
    created_at: Timestamp;
  };
  /** Each store's choice; a store without a row has tax-inclusive prices. */
  store_tax_settings: {
    store_id: string;
    prices_include_tax: boolean;
    updated_at: Timestamp;
  };
  /** The platform's tax as an admin set it (one row, id 1); without it the plugin option applies. */
  platform_tax: {
    id: number;
    name: string;
    rate_basis_points: number;
    base_numerator: number;
    base_denominator: number;
    updated_at: Timestamp;
  };
}
