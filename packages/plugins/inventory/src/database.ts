import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `jsonb` column: read as a value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;
/** A `bigint` column: node-postgres reads it as a string, PGlite as a number; both write numbers. */
type Int8 = ColumnType<string | number | bigint, number, number>;

/** A product's lifecycle: only `active` products are in the public catalogue. */
export type ProductStatus = 'draft' | 'active' | 'archived';

/** A reservation's lifecycle; only `active` holds stock. */
export type ReservationStatus = 'active' | 'committed' | 'released' | 'expired';

/** A staged import's lifecycle; abandoned and expired imports are deleted. */
export type ImportStatus = 'open' | 'committed';

/** The result of a committed import, as stored in `imports.result`. */
export interface StoredImportResult {
  created: number;
  updated: number;
  rejected: Array<{ index: number; handle: string | null; errors: Array<{ pointer: string; message: string }> }>;
}

/** One option of a product, as stored in `products.options`. */
export interface StoredOption {
  name: string;
  values: string[];
}

/** The inventory service's tables (schema `inventory`). Store ids are plain columns, never foreign keys. */
export interface InventoryDatabase {
  products: {
    id: string;
    store_id: string;
    /** Unique per store. */
    handle: string;
    title: string;
    description: string | null;
    categories: Json<string[]>;
    image_ids: Json<string[]>;
    options: Json<StoredOption[]>;
    status: ProductStatus;
    /** No variant has anything available; kept in step in every transaction that changes stock, so flips are published once. */
    sold_out: boolean;
    /** The lowest variant price (minor units), for price filters and sorts. */
    from_price: Int8;
    /** Every variant of a product shares it. */
    currency: string;
    created_at: Timestamp;
    updated_at: Timestamp;
    // `search` (tsvector) is a generated column, used only through raw SQL.
  };
  variants: {
    id: string;
    product_id: string;
    store_id: string;
    /** Unique per store. */
    sku: string;
    title: string | null;
    option_values: Json<Record<string, string>>;
    price_amount: Int8;
    currency: string;
    weight: number;
    stock_on_hand: number;
    /** Held by active reservations; never above `stock_on_hand` (check constraint). */
    reserved: number;
    /** Order within the product. */
    position: number;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  reservations: {
    id: string;
    /** The caller's id for what the stock is held for; unique, which makes reserving idempotent. */
    reference: string;
    status: ReservationStatus;
    expires_at: Timestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  /** Stock put back after a sale, once per caller's reference (see `returnStock`). */
  stock_returns: {
    reference: string;
    items: ColumnType<Array<{ variantId: string; quantity: number; returned: boolean }>, string, string>;
    created_at: Timestamp;
  };
  reservation_items: {
    reservation_id: string;
    variant_id: string;
    product_id: string;
    store_id: string;
    quantity: number;
  };
  /** A staged import: rows arrive in batches and are applied together by the commit. */
  imports: {
    id: string;
    store_id: string;
    status: ImportStatus;
    /** The commit's `ImportResult`, once committed. */
    result: ColumnType<StoredImportResult | null, string | null, string | null>;
    /** An open import is swept with its rows after this. */
    expires_at: Timestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  /** One row of a staged import, by its index in the whole import: valid (`input`) or rejected at staging (`errors`). */
  import_rows: {
    import_id: string;
    row_index: number;
    handle: string | null;
    input: ColumnType<Record<string, unknown> | null, string | null, string | null>;
    errors: ColumnType<Array<{ pointer: string; message: string }> | null, string | null, string | null>;
  };
  /** Each lexeme of a product's search vector with its one-word relevance; written by triggers only. */
  product_search_terms: {
    product_id: string;
    lexeme: string;
    rank: number;
  };
  /** Each category of each product (from `products.categories`); written by triggers only. */
  product_categories: {
    category: string;
    product_id: string;
  };
  /** What the merchant service said about each store: suspended stores' products leave the catalogue. */
  store_status: {
    store_id: string;
    suspended: boolean;
    /** Time of the event applied last; an older event arriving late changes nothing. */
    changed_at: Timestamp;
  };
}
