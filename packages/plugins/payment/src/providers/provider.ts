import type { Clock, Placeholders } from '@tokobapak/server';
import type { Compilable, Expression, Kysely, OperationNodeSource, SqlBool } from 'kysely';
import type { PaymentDatabase, StoredInstructions, StoredMethod } from '../database.js';

/** A status as a gateway reports it, already in the payment service's words. */
export type GatewayStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refunded' | 'partially_refunded';

/** What a gateway adapter may use: the plugin's database (the sandbox keeps its books there) and the clock. */
export interface ProviderEnv {
  db: Kysely<PaymentDatabase>;
  clock: Clock;
  /** One transaction on the plugin's schema (the handler context's `transaction`). */
  transaction<T>(fn: (tx: { db: Kysely<PaymentDatabase> }) => Promise<T>): Promise<T>;
}

/** A charge to create at the gateway. The payment id is the gateway's order id, which makes retries idempotent there. */
export interface ChargeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  method: StoredMethod;
  expiresAt: Date;
  customerId: string | null;
}

/** The gateway's answer to a charge. */
export interface ChargeResult {
  providerReference: string;
  instructions: StoredInstructions;
  status: GatewayStatus;
}

/** A transaction as the gateway has it now. */
export interface GatewayTransaction {
  status: GatewayStatus;
  /** The amount the gateway says was charged, when it says. */
  amount: number | null;
}

/** A refund to make at the gateway; `refundKey` makes it idempotent there. */
export interface RefundRequest {
  refundKey: string;
  amount: number;
  currency: string;
  reason: string | null;
}

/** A webhook as the runtime received it. */
export interface WebhookRequest {
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Record<string, unknown>;
}

/** A verified notification: which payment, and what the gateway says about it. */
export interface GatewayNotification {
  paymentId: string;
  status: GatewayStatus;
  amount: number | null;
  /** A short description for the payment's history (the gateway's own status words). */
  note: string;
}

/**
 * One payment gateway. Every call that moves money is idempotent at the gateway (the charge by
 * payment id, the refund by `refundKey`), so the service can retry after a timeout or a crash.
 * Failures are thrown as `PAYMENT_PROVIDER_REFUSED` (the gateway said no) or
 * `PAYMENT_PROVIDER_UNAVAILABLE` (no answer: the outcome is unknown).
 */
export interface PaymentProvider {
  readonly name: 'sandbox' | 'midtrans';
  /** Whether the gateway offers this method in this currency. */
  supports(method: StoredMethod, currency: string): boolean;
  charge(env: ProviderEnv, request: ChargeRequest): Promise<ChargeResult>;
  /** The transaction as the gateway has it, or null when the gateway never received it. */
  status(env: ProviderEnv, paymentId: string): Promise<GatewayTransaction | null>;
  cancel(env: ProviderEnv, paymentId: string): Promise<GatewayTransaction>;
  refund(env: ProviderEnv, paymentId: string, request: RefundRequest): Promise<void>;
  /** Checks the signature and reads the notification; a forged one throws `PAYMENT_WEBHOOK_SIGNATURE_INVALID`. */
  verifyWebhook(env: ProviderEnv, request: WebhookRequest): Promise<GatewayNotification>;
  /**
   * Offered by a gateway whose charge is only a write in the store's own database (the sandbox; a
   * manual bank transfer would be another): the payment service then makes the charge in the
   * statement that stores its answer (`in-database-charge.ts`) instead of calling `charge`.
   */
  readonly inDatabaseCharge?: InDatabaseCharge;
}

/** The values of an in-database charge's write. */
export type ChargeValues = Record<string, string | number | Date | null>;

/**
 * A charge made by one insert in the payment schema. `charge` must make the same charge (the
 * service still calls it when it finds one made before: a retry after a crash of the older path).
 */
export interface InDatabaseCharge<Values extends ChargeValues = ChargeValues> {
  /** Names the statement the charge is made in (`payment_charge_<name>`). */
  readonly name: string;
  /**
   * The values of the charge's write and the gateway's answer when the write makes the charge; no
   * database work (it runs before the statement). May throw `PAYMENT_PROVIDER_REFUSED`.
   */
  prepare(env: ProviderEnv, request: ChargeRequest): { values: Values; answer: ChargeResult };
  /**
   * The charge's write, built once with placeholders for the values: an insert of rows selected
   * only `when` holds, made at most once per order id (a conflict writes nothing) and returning
   * the order id of the charge it made.
   */
  write(db: Kysely<PaymentDatabase>, p: Placeholders<Values>, when: Expression<SqlBool>): Compilable<{ order_id: string }> & OperationNodeSource;
}

/** Instructions with every field empty but the method's type. */
export function emptyInstructions(type: StoredMethod['type']): StoredInstructions {
  return { type, bank: null, vaNumber: null, ewallet: null, deeplinkUrl: null, redirectUrl: null, qrString: null };
}
