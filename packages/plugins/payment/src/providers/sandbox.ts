import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { newId, type Placeholders, queryTemplate } from '@tokobapak/server';
import { type Expression, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type { PaymentDatabase, StoredInstructions, StoredMethod } from '../database.js';
import { paymentErrors } from '../errors.js';
import {
  type ChargeRequest,
  type ChargeResult,
  emptyInstructions,
  type GatewayNotification,
  type GatewayStatus,
  type InDatabaseCharge,
  type PaymentProvider,
  type ProviderEnv,
} from './provider.js';
import { sandboxQrisString } from './qris.js';

/** What the sandbox customer can do at the gateway. */
export type SandboxOutcome = 'paid' | 'failed' | 'expired';

/** Whose payments a simulation may act on: one customer's, or anyone's (admins). */
export type Payer = { customerId: string } | 'anyone';

/** A signed notification, ready to be posted to `POST /payments/webhooks/sandbox`. */
export interface SandboxWebhook {
  headers: { 'X-Sandbox-Signature': string };
  body: SandboxNotificationBody;
}

type SandboxNotificationBody = {
  event_id: string;
  order_id: string;
  transaction_id: string;
  transaction_status: SandboxTransactionStatus;
  gross_amount: number;
  currency: string;
};

type SandboxTransactionStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled';

/** Signed notifications older (or further in the future) than this are refused: a captured one cannot be replayed for ever. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

// Virtual account numbers start with the bank's prefix for the merchant, like real ones do.
const VA_PREFIX: Record<'bca' | 'bni' | 'bri' | 'permata', string> = { bca: '12345', bni: '988', bri: '26215', permata: '8778' };

type Transaction = Selectable<PaymentDatabase['sandbox_transactions']>;

/** The values of a sandbox charge's transaction. */
type SandboxChargeValues = {
  orderId: string;
  transactionId: string;
  /** The method as JSON text. */
  method: string;
  amount: number;
  currency: string;
  vaNumber: string | null;
  expiresAt: Date;
  now: Date;
};

/**
 * The insert that makes a charge: a pending transaction, written only `when` holds and once per
 * order id (the order id is unique at the gateway: a retried charge writes nothing), answering the
 * order id when it wrote. `charge` runs it alone; the payment service runs it inside the statement
 * that stores the charge's answer (`inDatabaseCharge`).
 */
function chargeWrite(db: Kysely<PaymentDatabase>, p: Placeholders<SandboxChargeValues>, when: Expression<SqlBool>) {
  return (
    db
      .insertInto('sandbox_transactions')
      .columns([
        'order_id',
        'transaction_id',
        'method',
        'amount',
        'currency',
        'status',
        'refunded_amount',
        'va_number',
        'expires_at',
        'created_at',
        'updated_at',
      ])
      // insert … select, not values, so that the row is written only when `when` holds.
      .expression(
        db
          .selectNoFrom((eb) => [
            eb.cast<string>(eb.val(p.orderId), 'text').as('order_id'),
            eb.cast<string>(eb.val(p.transactionId), 'text').as('transaction_id'),
            eb.cast<string>(eb.val(p.method), 'jsonb').as('method'),
            eb.cast<number>(eb.val(p.amount), 'bigint').as('amount'),
            eb.cast<string>(eb.val(p.currency), 'text').as('currency'),
            eb.cast<SandboxTransactionStatus>(eb.val('pending'), 'text').as('status'),
            eb.cast<number>(eb.val(0), 'bigint').as('refunded_amount'),
            eb.cast<string | null>(eb.val(p.vaNumber), 'text').as('va_number'),
            eb.cast<Date>(eb.val(p.expiresAt), 'timestamptz').as('expires_at'),
            eb.cast<Date>(eb.val(p.now), 'timestamptz').as('created_at'),
            eb.cast<Date>(eb.val(p.now), 'timestamptz').as('updated_at'),
          ])
          .where(when),
      )
      .onConflict((conflict) => conflict.column('order_id').doNothing())
      .returning('order_id')
  );
}

/** A charge's transaction made alone (see `charge`); compiled once. */
const chargeInsert = queryTemplate<PaymentDatabase, SandboxChargeValues, { order_id: string }>({
  name: 'sandbox_charge',
  build: (db, p) => chargeWrite(db, p, sql<SqlBool>`true`),
});

/**
 * The customer's action on a pending transaction not yet due (see `simulate`), of a payment of the
 * store's that goes through the sandbox and, with `owner`, is that customer's; compiled once per
 * shape: with an owner or for anyone.
 */
const simulation = queryTemplate<PaymentDatabase, { paymentId: string; outcome: SandboxOutcome; now: Date; provider: string; owner?: string }, Transaction>({
  name: 'sandbox_simulate',
  shape: (values) => (values.owner === undefined ? 'anyone' : 'owner'),
  build: (db, p, values) =>
    db
      .updateTable('sandbox_transactions')
      .set({ status: p.outcome, updated_at: p.now })
      .where('order_id', '=', p.paymentId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', p.now)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('payments')
            .select(eb.lit(1).as('one'))
            .whereRef('payments.id', '=', 'sandbox_transactions.order_id')
            .where('payments.provider', '=', p.provider)
            .$if(values.owner !== undefined, (query) => query.where('payments.customer_id', '=', p.owner)),
        ),
      )
      .returningAll(),
});

/**
 * The built-in sandbox gateway: it runs inside the store, needs no account, and behaves like an
 * Indonesian gateway. It keeps its own books (`sandbox_transactions`), answers charges with
 * virtual account numbers, e-wallet links, QRIS strings or a card page, expires unpaid charges at
 * their expiry, refunds at most what was paid, and signs its notifications with HMAC-SHA256 under
 * a secret only the store knows. `simulate` is the customer paying (or not).
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;

  constructor(private readonly secret: () => Promise<string>) {}

  supports(_method: StoredMethod, currency: string): boolean {
    return currency === 'IDR';
  }

  /**
   * The sandbox's books are the store's own tables, so its charge is one insert, which the payment
   * service makes in the statement that stores the answer (one round trip, not two).
   */
  readonly inDatabaseCharge: InDatabaseCharge<SandboxChargeValues> = {
    name: 'sandbox',
    prepare: (env, request) => this.prepareCharge(env, request),
    write: chargeWrite,
  };

  async charge(env: ProviderEnv, request: ChargeRequest): Promise<ChargeResult> {
    const { values, answer } = this.prepareCharge(env, request);
    // The order id is unique at the gateway: a retried charge gets the transaction it made.
    const [inserted] = await chargeInsert.execute(env.db, values);
    if (inserted) return answer;
    const row = await this.transaction(env, request.paymentId);
    if (!row) throw new Error(`sandbox transaction ${request.paymentId} vanished`);
    return {
      providerReference: row.transaction_id,
      instructions: instructionsFor(request.method, row.transaction_id, row.va_number, Number(row.amount)),
      status: row.status,
    };
  }

  /** A new transaction for the charge, and what the gateway answers when it is the one made. */
  private prepareCharge(env: ProviderEnv, request: ChargeRequest): { values: SandboxChargeValues; answer: ChargeResult } {
    const method = request.method;
    const transactionId = newId('sbx');
    const vaNumber = method.type === 'virtual_account' ? vaNumberOf(method.bank, request.paymentId) : null;
    return {
      values: {
        orderId: request.paymentId,
        transactionId,
        method: JSON.stringify(method),
        amount: request.amount,
        currency: request.currency,
        vaNumber,
        expiresAt: request.expiresAt,
        now: env.clock.now(),
      },
      answer: { providerReference: transactionId, instructions: instructionsFor(method, transactionId, vaNumber, request.amount), status: 'pending' },
    };
  }

  async status(env: ProviderEnv, paymentId: string) {
    const row = await this.expireIfDue(env, paymentId);
    return row ? { status: row.status as GatewayStatus, amount: Number(row.amount) } : null;
  }

  async cancel(env: ProviderEnv, paymentId: string) {
    const row = await this.expireIfDue(env, paymentId);
    if (!row) throw paymentErrors.PAYMENT_PROVIDER_REFUSED('The sandbox gateway has no such transaction');
    if (row.status === 'pending') {
      await env.db
        .updateTable('sandbox_transactions')
        .set({ status: 'cancelled', updated_at: env.clock.now() })
        .where('order_id', '=', paymentId)
        .where('status', '=', 'pending')
        .execute();
    }
    const after = await this.transaction(env, paymentId);
    return { status: (after?.status ?? 'cancelled') as GatewayStatus, amount: Number(row.amount) };
  }

  async refund(env: ProviderEnv, paymentId: string, request: { refundKey: string; amount: number }) {
    await env.transaction(async ({ db: trx }) => {
      // A refund key the gateway has seen is answered as done, as real gateways do.
      const inserted = await trx
        .insertInto('sandbox_refunds')
        .values({ order_id: paymentId, refund_key: request.refundKey, amount: request.amount, created_at: env.clock.now() })
        .onConflict((conflict) => conflict.columns(['order_id', 'refund_key']).doNothing())
        .returning('refund_key')
        .executeTakeFirst();
      if (!inserted) return;
      const updated = await trx
        .updateTable('sandbox_transactions')
        .set({ refunded_amount: sql<number>`refunded_amount + ${request.amount}`, updated_at: env.clock.now() })
        .where('order_id', '=', paymentId)
        .where('status', '=', 'paid')
        .where(sql<boolean>`refunded_amount + ${request.amount} <= amount`)
        .returning('order_id')
        .executeTakeFirst();
      if (!updated) throw paymentErrors.PAYMENT_PROVIDER_REFUSED('The sandbox gateway refuses a refund of an unpaid transaction or above what was paid');
    });
  }

  /**
   * The customer acts: pays, is refused, or lets the charge run out. Returns the signed
   * notification the gateway sends about it (the caller delivers it), or nothing when no pending
   * sandbox transaction of a payment `payer` may act on moved: then {@link refuse} says why.
   */
  async simulate(env: ProviderEnv, paymentId: string, outcome: SandboxOutcome, payer: Payer): Promise<SandboxWebhook | undefined> {
    const now = env.clock.now();
    const owner = payer === 'anyone' ? null : payer.customerId;
    // A pending transaction not yet due takes the outcome in one statement that also checks that
    // the store's payment goes through the sandbox and belongs to the payer (a real gateway knows
    // its customer; this one reads the store's row of the same payment).
    const [changed] = await simulation.execute(env.db, { paymentId, outcome, now, provider: this.name, ...(owner === null ? {} : { owner }) });
    if (!changed) return undefined;
    return this.sign(env, {
      event_id: newId('evt'),
      order_id: changed.order_id,
      transaction_id: changed.transaction_id,
      transaction_status: changed.status,
      gross_amount: Number(changed.amount),
      currency: changed.currency,
    });
  }

  /** Throws why the transaction of a payment the caller may act on did not move: there is none, or it is not pending (expired first if it is due). */
  async refuse(env: ProviderEnv, paymentId: string): Promise<never> {
    const row = await this.expireIfDue(env, paymentId);
    if (!row) throw paymentErrors.PAYMENT_NOT_FOUND();
    throw paymentErrors.PAYMENT_NOT_PENDING(`The sandbox transaction is ${row.status}`);
  }

  /** Signs a notification: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.order.status.amount.currency.transaction.event">`. */
  async sign(env: ProviderEnv, body: SandboxNotificationBody): Promise<SandboxWebhook> {
    const timestamp = Math.floor(env.clock.now().getTime() / 1000);
    const mac = createHmac('sha256', await this.secret())
      .update(signedText(timestamp, body))
      .digest('hex');
    return { headers: { 'X-Sandbox-Signature': `t=${timestamp},v1=${mac}` }, body };
  }

  async verifyWebhook(env: ProviderEnv, request: { headers: Record<string, string | undefined>; body: Record<string, unknown> }): Promise<GatewayNotification> {
    const header = request.headers['x-sandbox-signature'];
    const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
    const timestamp = Number(parts.t);
    const given = parts.v1;
    if (!header || !Number.isInteger(timestamp) || typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) {
      throw paymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID('X-Sandbox-Signature is missing or malformed');
    }
    const body = readBody(request.body);
    const expected = createHmac('sha256', await this.secret())
      .update(signedText(timestamp, body))
      .digest();
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) throw paymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID();
    if (Math.abs(env.clock.now().getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
      throw paymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID('The signature is too old');
    }
    return { paymentId: body.order_id, status: body.transaction_status, amount: body.gross_amount, note: `sandbox: ${body.transaction_status}` };
  }

  private async transaction(env: ProviderEnv, paymentId: string) {
    return env.db.selectFrom('sandbox_transactions').selectAll().where('order_id', '=', paymentId).executeTakeFirst();
  }

  /** A pending transaction past its expiry expires when anyone looks at it, as the gateway's own timer would have done. */
  private async expireIfDue(env: ProviderEnv, paymentId: string) {
    const now = env.clock.now();
    await env.db
      .updateTable('sandbox_transactions')
      .set({ status: 'expired', updated_at: now })
      .where('order_id', '=', paymentId)
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .execute();
    return this.transaction(env, paymentId);
  }
}

function signedText(timestamp: number, body: SandboxNotificationBody): string {
  return [timestamp, body.order_id, body.transaction_status, body.gross_amount, body.currency, body.transaction_id, body.event_id].join('.');
}

const STATUSES: SandboxTransactionStatus[] = ['pending', 'paid', 'failed', 'expired', 'cancelled'];

function readBody(body: Record<string, unknown>): SandboxNotificationBody {
  const { event_id, order_id, transaction_id, transaction_status, gross_amount, currency } = body;
  if (
    typeof event_id !== 'string' ||
    typeof order_id !== 'string' ||
    typeof transaction_id !== 'string' ||
    typeof currency !== 'string' ||
    typeof gross_amount !== 'number' ||
    !STATUSES.includes(transaction_status as SandboxTransactionStatus)
  ) {
    throw paymentErrors.PAYMENT_WEBHOOK_INVALID('Not a sandbox notification');
  }
  return { event_id, order_id, transaction_id, transaction_status: transaction_status as SandboxTransactionStatus, gross_amount, currency };
}

/** A stable virtual account number for the payment: the bank's prefix, then digits from the payment id. */
function vaNumberOf(bank: 'bca' | 'bni' | 'bri' | 'permata', paymentId: string): string {
  const digest = createHash('sha256').update(paymentId).digest();
  let digits = '';
  for (const byte of digest) {
    digits += String(byte % 10);
    if (digits.length >= 16 - VA_PREFIX[bank].length) break;
  }
  return VA_PREFIX[bank] + digits;
}

function instructionsFor(method: StoredMethod, transactionId: string, va: string | null, amount: number): StoredInstructions {
  const instructions = emptyInstructions(method.type);
  const page = `https://sandbox.tokobapak.invalid`;
  switch (method.type) {
    case 'virtual_account':
      return { ...instructions, bank: method.bank, vaNumber: va };
    case 'ewallet':
      return {
        ...instructions,
        ewallet: method.provider,
        deeplinkUrl: `tokobapak-sandbox://${method.provider}/pay?transaction=${transactionId}`,
        redirectUrl: `${page}/${method.provider}/${transactionId}`,
      };
    case 'qris':
      return { ...instructions, qrString: sandboxQrisString(transactionId, amount) };
    case 'card':
      return { ...instructions, redirectUrl: `${page}/card/${transactionId}` };
  }
}
