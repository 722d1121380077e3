import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
// bigint columns come back as strings from PostgreSQL; the mappers turn them into numbers.
type BigIntColumn = ColumnType<string | number, number, number>;

/** Tables of the wishlist schema. */
export interface WishlistDatabase {
  /** One wished variant of one customer. */
  items: {
    id: string;
    customer_id: string;
    variant_id: string;
    product_id: string;
    store_id: string;
    /** The price the customer last saw: at adding, or in the last price-drop alert. */
    seen_amount: BigIntColumn;
    seen_currency: string;
    added_at: Timestamp;
  };
  /** Products whose wished variants' prices must be compared (fed by `inventory.product-updated`). */
  price_checks: {
    product_id: string;
    requested_at: Timestamp;
  };
  /** Items whose line the cart has (`cart.line-referenced`) though the move never took them off; `drop-moved-items` does. */
  moved_items: {
    item_id: string;
    customer_id: string;
    /** When the cart added the line. */
    moved_at: Timestamp;
  };
  /** Alerts already published per source event and customer, so a redelivered event publishes nothing twice. */
  notices: {
    event_id: string;
    customer_id: string;
    created_at: Timestamp;
  };
}
