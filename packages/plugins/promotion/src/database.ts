import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Who a promotion belongs to (and who pays for it). */
export type PromotionScope = 'platform' | 'store';

/** The four kinds of discount. */
export type PromotionType = 'percentage' | 'fixed_amount' | 'free_shipping' | 'buy_x_get_y';

/** The lists that narrow which lines a promotion covers; an empty list does not narrow. */
export interface ConditionLists {
  storeIds: string[];
  productIds: string[];
  categories: string[];
}

/** Where a redemption stands; only `active` and `committed` count against the limits. */
export type RedemptionStatus = 'active' | 'committed' | 'released' | 'expired';

/** The promotion service's tables (schema `promotion`). */
export interface PromotionDatabase {
  promotions: {
    id: string;
    scope: PromotionScope;
    /** Set exactly when `scope` is `store` (a check constraint says so); another service's id, no foreign key. */
    store_id: string | null;
    name: string;
    /** Upper case, unique; null for an automatic promotion. */
    code: string | null;
    type: PromotionType;
    currency: string;
    percentage: number | null;
    amount: number | null;
    buy_quantity: number | null;
    get_quantity: number | null;
    min_subtotal: number | null;
    conditions: Json<ConditionLists>;
    first_order_only: boolean;
    stacking: 'exclusive' | 'combinable';
    priority: number;
    starts_at: Timestamp;
    ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    usage_limit: number | null;
    per_customer_limit: number | null;
    /** Active and committed redemptions: the count the total limit is checked against. */
    used_count: ColumnType<number, number | undefined, number>;
    status: 'active' | 'paused';
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  /** Uses per customer (active and committed), for the per-customer limit. */
  customer_usage: {
    promotion_id: string;
    customer_id: string;
    used: number;
  };
  redemptions: {
    id: string;
    /** The checkout id; one redemption per reference. */
    reference: string;
    customer_id: string | null;
    status: RedemptionStatus;
    expires_at: Timestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  redemption_items: {
    redemption_id: string;
    promotion_id: string;
    code: string | null;
    amount: number;
  };
  /**
   * Customers who have placed an order: a projection for the first-order condition, fed by the
   * order service's `order.placed` event (`order-events.ts`).
   */
  ordering_customers: {
    customer_id: string;
    first_order_at: Timestamp;
  };
}
