import { createHash, timingSafeEqual } from 'node:crypto';
import type { StoredMethod } from '../database.js';
import { paymentErrors } from '../errors.js';
import {
  type ChargeRequest,
  type ChargeResult,
  emptyInstructions,
  type GatewayNotification,
  type GatewayStatus,
  type GatewayTransaction,
  type PaymentProvider,
  type ProviderEnv,
  type RefundRequest,
  type WebhookRequest,
} from './provider.js';

/** How to reach Midtrans. */
export interface MidtransSettings {
  serverKey: string;
  /** `https://api.sandbox.midtrans.com` (Midtrans's own sandbox) or `https://api.midtrans.com`. */
  baseUrl: string;
  fetch: typeof fetch;
  /** Per request, in milliseconds. */
  timeoutMs: number;
}

/** The fields of a Midtrans Core API answer or notification that the adapter reads (all strings on the wire). */
interface MidtransTransaction {
  status_code?: string;
  status_message?: string;
  transaction_id?: string;
  order_id?: string;
  gross_amount?: string;
  transaction_status?: string;
  fraud_status?: string;
  va_numbers?: Array<{ bank?: string; va_number?: string }>;
  permata_va_number?: string;
  actions?: Array<{ name?: string; url?: string }>;
  qr_string?: string;
  signature_key?: string;
}

/**
 * Midtrans through its Core API (`/v2/charge`, `/v2/{order_id}/status|cancel|refund`), written
 * against Midtrans's published API reference. The payment id is Midtrans's `order_id`, so a charge
 * retried after a timeout is refused there as a duplicate and answered from the status instead;
 * refunds carry `refund_key`, which Midtrans treats as idempotent. Notifications are checked
 * against `signature_key` = SHA-512(order_id + status_code + gross_amount + server key).
 *
 * Offered: bank virtual accounts (BCA, BNI, BRI, Permata), GoPay and ShopeePay, and QRIS, in IDR.
 * Cards need a card token made in the customer's browser, which this flow does not collect; OVO
 * and DANA are not part of the Core API.
 */
export class MidtransProvider implements PaymentProvider {
  readonly name = 'midtrans' as const;

  constructor(private readonly settings: MidtransSettings) {}

  supports(method: StoredMethod, currency: string): boolean {
    if (currency !== 'IDR') return false;
    if (method.type === 'ewallet') return method.provider === 'gopay' || method.provider === 'shopeepay';
    return method.type !== 'card';
  }

  async charge(env: ProviderEnv, request: ChargeRequest): Promise<ChargeResult> {
    const minutes = Math.max(1, Math.round((request.expiresAt.getTime() - env.clock.now().getTime()) / 60_000));
    const body = {
      ...paymentTypeOf(request.method),
      transaction_details: { order_id: request.paymentId, gross_amount: request.amount },
      custom_expiry: { expiry_duration: minutes, unit: 'minute' },
    };
    const answer = await this.call('POST', '/v2/charge', body);
    // 406: the order id was charged before (a retry after a lost answer); read what Midtrans has.
    if (answer.status_code === '406') {
      const existing = await this.call('GET', `/v2/${encodeURIComponent(request.paymentId)}/status`);
      if (!isSuccess(existing.status_code)) throw refused(existing);
      return {
        providerReference: existing.transaction_id ?? request.paymentId,
        instructions: instructionsOf(request.method, existing),
        status: statusOf(existing),
      };
    }
    if (!isSuccess(answer.status_code)) throw refused(answer);
    return { providerReference: answer.transaction_id ?? request.paymentId, instructions: instructionsOf(request.method, answer), status: statusOf(answer) };
  }

  async status(_env: unknown, paymentId: string): Promise<GatewayTransaction | null> {
    const answer = await this.call('GET', `/v2/${encodeURIComponent(paymentId)}/status`);
    if (answer.status_code === '404') return null;
    if (!isSuccess(answer.status_code)) throw refused(answer);
    return { status: statusOf(answer), amount: amountOf(answer.gross_amount) };
  }

  async cancel(_env: unknown, paymentId: string): Promise<GatewayTransaction> {
    const answer = await this.call('POST', `/v2/${encodeURIComponent(paymentId)}/cancel`);
    if (!isSuccess(answer.status_code)) throw refused(answer);
    return { status: statusOf(answer), amount: amountOf(answer.gross_amount) };
  }

  async refund(_env: unknown, paymentId: string, request: RefundRequest): Promise<void> {
    const body = { refund_key: request.refundKey, amount: request.amount, ...(request.reason ? { reason: request.reason } : {}) };
    const answer = await this.call('POST', `/v2/${encodeURIComponent(paymentId)}/refund`, body);
    if (!isSuccess(answer.status_code)) throw refused(answer);
  }

  async verifyWebhook(_env: unknown, request: WebhookRequest): Promise<GatewayNotification> {
    const body = request.body as MidtransTransaction;
    const { order_id, status_code, gross_amount, signature_key, transaction_status } = body;
    if (typeof signature_key !== 'string' || !/^[0-9a-f]{128}$/i.test(signature_key)) {
      throw paymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID('signature_key is missing or malformed');
    }
    if (typeof order_id !== 'string' || typeof status_code !== 'string' || typeof gross_amount !== 'string' || typeof transaction_status !== 'string') {
      throw paymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID('A signed field is missing');
    }
    const expected = createHash('sha512').update(`${order_id}${status_code}${gross_amount}${this.settings.serverKey}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(signature_key, 'hex'))) throw paymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID();
    return {
      paymentId: order_id,
      status: statusOf(body),
      amount: amountOf(gross_amount),
      note: `midtrans: ${transaction_status}${body.fraud_status ? ` (${body.fraud_status})` : ''}`,
    };
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<MidtransTransaction> {
    let response: Response;
    try {
      response = await this.settings.fetch(`${this.settings.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          // Basic auth: the server key as the user name and an empty password.
          authorization: `Basic ${Buffer.from(`${this.settings.serverKey}:`).toString('base64')}`,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw paymentErrors.PAYMENT_PROVIDER_UNAVAILABLE(`Midtrans did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status >= 500) throw paymentErrors.PAYMENT_PROVIDER_UNAVAILABLE(`Midtrans answered ${response.status}`);
    const text = await response.text();
    try {
      const parsed = JSON.parse(text) as MidtransTransaction;
      // Midtrans states the outcome in `status_code`; the HTTP status mostly agrees, but not always.
      return { ...parsed, status_code: parsed.status_code ?? String(response.status) };
    } catch {
      throw paymentErrors.PAYMENT_PROVIDER_UNAVAILABLE(`Midtrans answered ${response.status} without JSON`);
    }
  }
}

function paymentTypeOf(method: StoredMethod): Record<string, unknown> {
  switch (method.type) {
    case 'virtual_account':
      return { payment_type: 'bank_transfer', bank_transfer: { bank: method.bank } };
    case 'ewallet':
      return { payment_type: method.provider };
    case 'qris':
      return { payment_type: 'qris' };
    case 'card':
      throw paymentErrors.PAYMENT_METHOD_UNSUPPORTED('Midtrans card charges need a card token, which this flow does not collect');
  }
}

function instructionsOf(method: StoredMethod, answer: MidtransTransaction) {
  const instructions = emptyInstructions(method.type);
  const action = (name: string) => answer.actions?.find((item) => item.name === name)?.url ?? null;
  switch (method.type) {
    case 'virtual_account': {
      const va = method.bank === 'permata' ? answer.permata_va_number : answer.va_numbers?.find((item) => item.bank === method.bank)?.va_number;
      return { ...instructions, bank: method.bank, vaNumber: va ?? answer.va_numbers?.[0]?.va_number ?? null };
    }
    case 'ewallet':
      return { ...instructions, ewallet: method.provider, deeplinkUrl: action('deeplink-redirect'), redirectUrl: action('generate-qr-code') };
    case 'qris':
      return { ...instructions, qrString: answer.qr_string ?? null, redirectUrl: action('generate-qr-code') };
    case 'card':
      return instructions;
  }
}

/** Midtrans's `transaction_status` (and `fraud_status` for captured cards) in the payment service's words. */
function statusOf(answer: MidtransTransaction): GatewayStatus {
  switch (answer.transaction_status) {
    case 'settlement':
      return 'paid';
    case 'capture':
      // A captured card that fraud detection challenges is not paid until a person accepts it.
      return answer.fraud_status === 'challenge' ? 'pending' : answer.fraud_status === 'deny' ? 'failed' : 'paid';
    case 'deny':
    case 'failure':
      return 'failed';
    case 'cancel':
      return 'cancelled';
    case 'expire':
      return 'expired';
    case 'refund':
      return 'refunded';
    case 'partial_refund':
      return 'partially_refunded';
    default:
      return 'pending';
  }
}

function isSuccess(code: string | undefined): boolean {
  return code === '200' || code === '201';
}

/** `"150000.00"` → 150000: Midtrans sends rupiah with two decimals that are always zero. */
function amountOf(value: string | undefined): number | null {
  if (value === undefined) return null;
  const amount = Number(value);
  return Number.isFinite(amount) ? Math.round(amount) : null;
}

function refused(answer: MidtransTransaction) {
  return paymentErrors.PAYMENT_PROVIDER_REFUSED(`Midtrans: ${answer.status_code ?? '?'} ${answer.status_message ?? ''}`.trim());
}
