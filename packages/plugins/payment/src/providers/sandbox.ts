import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { newId, queryTemplate } from '@tokobapak/server';
import { type Selectable, sql } from 'kysely';
import type { PaymentDatabase, StoredInstructions, StoredMethod } from '../database.js';
import { paymentErrors } from '../errors.js';
import { type ChargeRequest, emptyInstructions, type GatewayNotification, type GatewayStatus, type PaymentProvider, type ProviderEnv } from './provider.js';
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

/** A charge's transaction, made once per order id (see `charge`); compiled once (every checkout's payment runs it). */
const chargeInsert = queryTemplate<
  PaymentDatabase,
  { orderId: string; transactionId: string; method: string; amount: number; currency: string; vaNumber: string | null; expiresAt: Date; now: Date },
  Transaction
>({
  name: 'sandbox_charge',
  build: (db, p) =>
    db
      .insertInto('sandbox_transactions')
      .values({
        order_id: p.orderId,
        transaction_id: p.transactionId,
        method: p.method,
        amount: p.amount,
        currency: p.currency,
        status: 'pending',
        refunded_amount: 0,
        va_number: p.vaNumber,
        expires_at: p.expiresAt,
        created_at: p.now,
        updated_at: p.now,
      })
      .onConflict((conflict) => conflict.column('order_id').doNothing())
      .returningAll(),
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

  async charge(env: ProviderEnv, request: ChargeRequest) {
    const now = env.clock.now();
    const method = request.method;
    // The order id is unique at the gateway: a retried charge gets the transaction it made.
    const [inserted] = await chargeInsert.execute(env.db, {
      orderId: request.paymentId,
      transactionId: newId('sbx'),
      method: JSON.stringify(method),
      amount: request.amount,
      currency: request.currency,
      vaNumber: method.type === 'virtual_account' ? vaNumber(method.bank, request.paymentId) : null,
      expiresAt: request.expiresAt,
      now,
    });
    const row = inserted ?? (await this.transaction(env, request.paymentId));
    if (!row) throw new Error(`sandbox transaction ${request.paymentId} vanished`);
    return {
      providerReference: row.transaction_id,
      instructions: instructionsFor(method, row.transaction_id, row.va_number, Number(row.amount)),
      status: row.status,
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
function vaNumber(bank: 'bca' | 'bni' | 'bri' | 'permata', paymentId: string): string {
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
