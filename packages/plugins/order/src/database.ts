import type { ColumnType, Generated } from 'kysely';
import type { Placement } from './placement.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** Money in minor units: bigint in the database, a JS number here (the pool parses int8). */
type Int8 = ColumnType<number, number, number>;
type Json<T> = ColumnType<T, string, string>;

/** Where an order stands (see openapi/order.yaml). */
export type OrderStatus = 'pending_payment' | 'paid' | 'accepted' | 'shipped' | 'completed' | 'cancelled';
/** Where a checkout stands (see openapi/order.yaml). */
export type CheckoutStatus = 'processing' | 'awaiting_payment' | 'paid' | 'failed' | 'expired' | 'cancelled';
/** Where a refund of an order stands. */
export type RefundStatus = 'pending' | 'succeeded' | 'owed' | 'failed';
/** Who made a change. */
export type Actor = 'customer' | 'store' | 'system';

/** The shipping address as given at checkout (the spec's `ShippingAddress`). */
export interface ShippingAddressJson {
  recipientName: string;
  phone: string;
  line1: string;
  line2?: string | null;
  city: string;
  region: string;
  postalCode: string;
  countryCode: string;
}

/** The shipping option fixed for one store at checkout. */
export interface ShippingChoiceJson {
  optionId: string | null;
  provider: string | null;
  service: string | null;
  name: string | null;
}

/** The order service's tables (schema `order`). */
export interface OrderDatabase {
  checkouts: {
    id: string;
    customer_id: string;
    cart_id: string;
    status: CheckoutStatus;
    currency: string;
    total: Int8;
    shipping_address: Json<ShippingAddressJson>;
    payment_method: Json<unknown>;
    payment_id: string | null;
    payment_status: string | null;
    payment_instructions: ColumnType<unknown, string | null, string | null>;
    payment_expires_at: NullableTimestamp;
    reservation_id: string | null;
    redemption_id: string | null;
    failure_code: string | null;
    failure_message: string | null;
    expires_at: NullableTimestamp;
    /** The orders the checkout places, fixed when it opens (see `Placement`). */
    placement: ColumnType<Placement | null, string | null | undefined, string | null>;
    /** A payment event that came before the orders were placed: `paid`, `failed`, `expired`, `cancelled`. */
    payment_outcome: string | null;
    /** When everything after the payment (commits, confirmation, the cart) was done. */
    settled_at: NullableTimestamp;
    /** When everything a failed, expired or cancelled checkout held was given back. */
    released_at: NullableTimestamp;
    /** Settling or releasing runs that ended without finishing (each retry is a new process). */
    attempts: ColumnType<number, number | undefined, number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  orders: {
    id: string;
    checkout_id: string;
    store_id: string;
    customer_id: string;
    status: OrderStatus;
    currency: string;
    subtotal: Int8;
    discount: Int8;
    shipping_amount: Int8;
    shipping_discount: Int8;
    tax: Int8;
    total: Int8;
    refunded: Int8;
    platform_fee_bps: number;
    /** Fixed when the order completes; null before. */
    platform_fee: Int8 | null;
    shipping: Json<ShippingChoiceJson>;
    shipping_address: Json<ShippingAddressJson>;
    shipment_id: string | null;
    tracking_number: string | null;
    /** The carrier a store named when it shipped without a quote. */
    carrier: ColumnType<string | null, string | null | undefined, string | null>;
    /** When the shipping service said the parcel was returned or cancelled: the shipped deadline leaves such an order to the store. */
    parcel_returned_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  order_lines: {
    id: string;
    order_id: string;
    position: number;
    variant_id: string;
    product_id: string;
    product_title: string;
    variant_title: string | null;
    sku: string | null;
    quantity: number;
    unit_price: Int8;
    subtotal: Int8;
    discount: Int8;
    discount_allocations: Json<Array<{ promotionId: string; amount: number }>>;
    tax: Int8;
    total: Int8;
    refunded_quantity: ColumnType<number, number | undefined, number>;
    refunded_amount: ColumnType<number, number | undefined, number>;
  };
  order_status_history: {
    id: Generated<number>;
    order_id: string;
    status: OrderStatus;
    actor: Actor;
    note: string | null;
    at: Timestamp;
  };
  order_refunds: {
    id: string;
    order_id: string;
    amount: Int8;
    reason: string | null;
    lines: Json<Array<{ lineId: string; quantity: number; amount: number }>>;
    payment_refund_id: string | null;
    /** `pending` until the payment and the stock return are done; `owed` when the gateway refused it (paid back by hand); `failed` when the payment service refused it (undone). */
    status: ColumnType<RefundStatus, RefundStatus | undefined, RefundStatus>;
    actor: ColumnType<Actor, Actor | undefined, Actor>;
    /** The part of `amount` that is the order's shipping (given back with the last unit, before shipping). */
    shipping: ColumnType<number, number | undefined, number>;
    /** Whether the cancelled quantities go back to stock (the order had not left yet). */
    restock: ColumnType<boolean, boolean | undefined, boolean>;
    /** Whether this refund cancels what was left of the order. */
    cancels_order: ColumnType<boolean, boolean | undefined, boolean>;
    /** Whether the order had completed when the refund was counted (its `order.refunded` says so). */
    after_completion: ColumnType<boolean, boolean | undefined, boolean>;
    attempts: ColumnType<number, number | undefined, number>;
    /** The `Idempotency-Key` of the cancellation that counted it, if it sent one; a retry with it finds this refund. */
    request_key: ColumnType<string | null, string | null | undefined, never>;
    /** What that cancellation asked (its lines and reason, as JSON), so a key reused for another request is refused. */
    request: ColumnType<string | null, string | null | undefined, never>;
    created_at: Timestamp;
    updated_at: NullableTimestamp;
  };
}
