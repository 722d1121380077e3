import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `jsonb` column: read as a value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;
/** A `bigint` column: node-postgres reads it as a string, PGlite as a number; both write numbers. */
type Int8 = ColumnType<string | number | bigint, number, number>;

/** Where a payment stands. Only the moves in `transitions.ts` are allowed; none goes back. */
export type PaymentStatus = 'pending' | 'paid' | 'expired' | 'cancelled' | 'failed' | 'refunded' | 'partially_refunded';

/** What made a status change. */
export type HistorySource = 'api' | 'webhook' | 'reconciliation';

/** A refund's lifecycle: `pending` holds its amount against what may still be refunded. */
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** How the customer pays, as stored in `payments.method`. */
export type StoredMethod =
  | { type: 'virtual_account'; bank: 'bca' | 'bni' | 'bri' | 'permata' }
  | { type: 'ewallet'; provider: 'gopay' | 'ovo' | 'dana' | 'shopeepay' }
  | { type: 'qris' }
  | { type: 'card' };

/** What the customer needs to pay, as stored in `payments.instructions`. */
export interface StoredInstructions {
  type: StoredMethod['type'];
  bank: 'bca' | 'bni' | 'bri' | 'permata' | null;
  vaNumber: string | null;
  ewallet: 'gopay' | 'ovo' | 'dana' | 'shopeepay' | null;
  deeplinkUrl: string | null;
  redirectUrl: string | null;
  qrString: string | null;
}

/** The payment service's tables (schema `payment`). Customer and checkout ids are plain columns. */
export interface PaymentDatabase {
  payments: {
    id: string;
    /** Unique: one payment per checkout. */
    reference: string;
    customer_id: string | null;
    provider: string;
    status: PaymentStatus;
    amount: Int8;
    currency: string;
    refunded_amount: Int8;
    method: Json<StoredMethod>;
    /** Null until the gateway answered the charge (a crash in between leaves it null for reconciliation). */
    instructions: Json<StoredInstructions> | null;
    /** The gateway's own id of the transaction. */
    provider_reference: string | null;
    expires_at: Timestamp;
    paid_at: Timestamp | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    /**
     * When reconciliation made sure a cancelled payment has nothing live at its gateway (a charge can
     * reach the gateway after a cancellation looked there); null until then (`orphan-charges.ts`).
     */
    gateway_checked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    /**
     * What refunds the gateway refused still owe the customer: above zero, the payment is on the
     * admins' `refundFailed` queue. Kept by `refunds.ts` under the payment's lock (see there).
     */
    refund_owed: ColumnType<string | number | bigint, number | undefined, number>;
    /** When the oldest refusal still owed was recorded; null when nothing is owed. */
    refund_owed_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  };
  payment_history: {
    id: string;
    payment_id: string;
    status: PaymentStatus;
    source: HistorySource;
    note: string | null;
    at: Timestamp;
  };
  refunds: {
    id: string;
    payment_id: string;
    /** The caller's idempotency key; unique per payment. */
    idempotency_key: string;
    amount: Int8;
    currency: string;
    reason: string | null;
    status: RefundStatus;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  /** References voided by `voidPayment`: a payment for one is never made (`createPayment` refuses it). */
  voided_references: {
    reference: string;
    reason: string | null;
    voided_at: Timestamp;
  };
  /** The built-in sandbox gateway's own books: what a real gateway keeps on its side. */
  sandbox_transactions: {
    /** The payment id (the "order id" the store sent the gateway). */
    order_id: string;
    transaction_id: string;
    method: Json<StoredMethod>;
    amount: Int8;
    currency: string;
    status: 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled';
    refunded_amount: Int8;
    va_number: string | null;
    expires_at: Timestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  sandbox_refunds: {
    order_id: string;
    refund_key: string;
    amount: Int8;
    created_at: Timestamp;
  };
  /** Secrets made on first start and shared by every process on the database. */
  settings: {
    key: string;
    value: string;
  };
}
