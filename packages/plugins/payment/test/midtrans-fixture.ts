import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One transaction as the fixture keeps it (Midtrans's field names; amounts as Midtrans writes them). */
export interface FixtureTransaction {
  order_id: string;
  transaction_id: string;
  payment_type: string;
  gross_amount: string;
  currency: 'IDR';
  transaction_status: string;
  fraud_status: string;
  transaction_time: string;
  va_numbers?: Array<{ bank: string; va_number: string }>;
  permata_va_number?: string;
  actions?: Array<{ name: string; method: string; url: string }>;
  qr_string?: string;
  refund_amount?: string;
}

/** A local HTTP server on 127.0.0.1 that speaks the parts of Midtrans's Core API the adapter uses, and sends its notifications. */
export interface MidtransFixture {
  url: string;
  transactions: Map<string, FixtureTransaction>;
  /** Every refund accepted, by refund key. */
  refunds: Map<string, { orderId: string; amount: number }>;
  /** Charge requests received (duplicates included). */
  chargeRequests: Array<Record<string, unknown>>;
  /** The order id of every cancel request received (refused ones included). */
  cancelRequests: string[];
  /** While set, charge requests wait for it before they are handled: a charge in flight. */
  holdCharges: Promise<void> | undefined;
  /** The next charge: `lost` makes the transaction but answers 500 (the answer is lost); `down` answers 503 and makes nothing. */
  nextCharge: 'ok' | 'lost' | 'down';
  /** The next refund request: `down` answers 503 and refunds nothing (the store keeps the refund pending). */
  nextRefund: 'ok' | 'down';
  /**
   * Payment types whose refunds are refused, as Midtrans refuses to refund bank transfers; empty by
   * default (the fixture then refunds any settled transaction).
   */
  refusedRefundTypes: Set<string>;
  /** Changes a transaction's status at Midtrans without telling the store (a lost notification). */
  setStatus(orderId: string, status: string): void;
  /** Changes the status and posts Midtrans's notification to the store, signed with `serverKey` (another key forges it). */
  notify(orderId: string, status: string, options?: { serverKey?: string; change?: boolean }): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Starts the fixture; `notificationUrl` is where its notifications go (the store's webhook endpoint). */
export async function startMidtransFixture(serverKey: string, notificationUrl: () => string): Promise<MidtransFixture> {
  const transactions = new Map<string, FixtureTransaction>();
  const refunds = new Map<string, { orderId: string; amount: number }>();
  const chargeRequests: Array<Record<string, unknown>> = [];
  const expectedAuth = `Basic ${Buffer.from(`${serverKey}:`).toString('base64')}`;

  const fixture: MidtransFixture = {
    url: '',
    transactions,
    refunds,
    chargeRequests,
    cancelRequests: [],
    nextCharge: 'ok',
    nextRefund: 'ok',
    holdCharges: undefined,
    refusedRefundTypes: new Set(),
    setStatus(orderId, status) {
      const transaction = transactions.get(orderId);
      if (!transaction) throw new Error(`no transaction ${orderId}`);
      transaction.transaction_status = status;
    },
    async notify(orderId, status, options = {}) {
      const transaction = transactions.get(orderId);
      if (!transaction) throw new Error(`no transaction ${orderId}`);
      if (options.change !== false) transaction.transaction_status = status;
      const statusCode = '200';
      const body = {
        ...transaction,
        transaction_status: status,
        status_code: statusCode,
        status_message: 'midtrans payment notification',
        merchant_id: 'G000000000',
        signature_key: createHash('sha512')
          .update(`${orderId}${statusCode}${transaction.gross_amount}${options.serverKey ?? serverKey}`)
          .digest('hex'),
      };
      const response = await fetch(notificationUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error) => send(response, 500, { status_code: '500', status_message: String(error) }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<Sent> {
    if (request.headers.authorization !== expectedAuth) return send(response, 401, { status_code: '401', status_message: 'Unknown Merchant server_key/id' });
    const body = await readJson(request);
    const path = new URL(request.url ?? '/', 'http://fixture').pathname;
    if (request.method === 'POST' && path === '/v2/charge') {
      await fixture.holdCharges;
      return charge(response, body);
    }
    const match = /^\/v2\/([^/]+)\/(status|cancel|refund)$/.exec(path);
    if (!match) return send(response, 404, { status_code: '404', status_message: 'Not found' });
    const orderId = decodeURIComponent(match[1] as string);
    const transaction = transactions.get(orderId);
    if (!transaction) return send(response, 404, { status_code: '404', status_message: "Transaction doesn't exist." });
    if (match[2] === 'status' && request.method === 'GET')
      return send(response, 200, { ...transaction, status_code: '200', status_message: 'Success, transaction found' });
    if (match[2] === 'cancel' && request.method === 'POST') {
      fixture.cancelRequests.push(orderId);
      if (transaction.transaction_status !== 'pending')
        return send(response, 412, { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' });
      transaction.transaction_status = 'cancel';
      return send(response, 200, { ...transaction, status_code: '200', status_message: 'Success, transaction is canceled' });
    }
    if (match[2] === 'refund' && request.method === 'POST') return refund(response, transaction, body);
    return send(response, 405, { status_code: '405', status_message: 'Method not allowed' });
  }

  function charge(response: ServerResponse, body: Record<string, unknown>): Sent {
    chargeRequests.push(body);
    const details = body.transaction_details as { order_id: string; gross_amount: number };
    if (fixture.nextCharge === 'down') {
      fixture.nextCharge = 'ok';
      return send(response, 503, { status_code: '503', status_message: 'Service unavailable' });
    }
    if (transactions.has(details.order_id)) {
      return send(response, 200, {
        status_code: '406',
        status_message: 'The request could not be completed due to a conflict with the current state of the target resource, please try again',
      });
    }
    const type = String(body.payment_type);
    const transaction: FixtureTransaction = {
      order_id: details.order_id,
      transaction_id: randomUUID(),
      payment_type: type,
      gross_amount: `${details.gross_amount}.00`,
      currency: 'IDR',
      transaction_status: 'pending',
      fraud_status: 'accept',
      transaction_time: new Date().toISOString(),
    };
    if (type === 'bank_transfer') {
      const bank = (body.bank_transfer as { bank: string }).bank;
      const number = `${Math.floor(Math.random() * 1e11)}`.padStart(11, '7');
      if (bank === 'permata') transaction.permata_va_number = number;
      else transaction.va_numbers = [{ bank, va_number: number }];
    } else if (type === 'gopay' || type === 'shopeepay') {
      transaction.actions = [
        { name: 'generate-qr-code', method: 'GET', url: `${fixture.url}/v2/${type}/${transaction.transaction_id}/qr-code` },
        { name: 'deeplink-redirect', method: 'GET', url: `${type}://pay?tref=${transaction.transaction_id}` },
      ];
    } else if (type === 'qris') {
      transaction.qr_string = `00020101021226620014COM.GO-JEK.WWW01189360091434506468550210G5064685500303UMI51440014ID.CO.QRIS.WWW0215ID10200211817450303UMI5204581253033605409${details.gross_amount}.005802ID6304ABCD`;
    } else {
      return send(response, 400, { status_code: '400', status_message: `payment_type ${type} is not supported here` });
    }
    transactions.set(details.order_id, transaction);
    if (fixture.nextCharge === 'lost') {
      fixture.nextCharge = 'ok';
      return send(response, 500, { status_code: '500', status_message: 'Internal server error' });
    }
    return send(response, 201, { ...transaction, status_code: '201', status_message: 'Success, transaction is created' });
  }

  function refund(response: ServerResponse, transaction: FixtureTransaction, body: Record<string, unknown>): Sent {
    const key = String(body.refund_key ?? randomUUID());
    const amount = Number(body.amount);
    if (fixture.nextRefund === 'down') {
      fixture.nextRefund = 'ok';
      return send(response, 503, { status_code: '503', status_message: 'Service unavailable' });
    }
    if (refunds.has(key)) return send(response, 200, { ...transaction, status_code: '200', status_message: 'Success, refund request is approved' });
    if (transaction.transaction_status !== 'settlement' && transaction.transaction_status !== 'partial_refund') {
      return send(response, 412, { status_code: '412', status_message: 'Transaction status cannot be updated' });
    }
    if (fixture.refusedRefundTypes.has(transaction.payment_type)) {
      return send(response, 412, { status_code: '412', status_message: `Refund is not supported for payment_type ${transaction.payment_type}` });
    }
    const refunded = [...refunds.values()].filter((item) => item.orderId === transaction.order_id).reduce((sum, item) => sum + item.amount, 0);
    const gross = Number(transaction.gross_amount);
    if (refunded + amount > gross) return send(response, 412, { status_code: '412', status_message: 'Refund amount exceeds the remaining amount' });
    refunds.set(key, { orderId: transaction.order_id, amount });
    transaction.transaction_status = refunded + amount === gross ? 'refund' : 'partial_refund';
    transaction.refund_amount = `${refunded + amount}.00`;
    return send(response, 200, { ...transaction, refund_key: key, status_code: '200', status_message: 'Success, refund request is approved' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fixture;
}

/** That an answer went out (handlers return it, so every path answers exactly once). */
type Sent = 'sent';

function send(response: ServerResponse, status: number, body: unknown): Sent {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
  return 'sent';
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
