import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PaymentComponents, TokoBapakClient } from '@tokobapak/sdk';
import { type Clock, newId } from '@tokobapak/server';
import { createTestServer, customerSession, schemaStatements, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { type PaymentPluginOptions, paymentPlugin } from '../src/index.js';
import { type MidtransFixture, startMidtransFixture } from './midtrans-fixture.js';

export type Schemas = PaymentComponents['schemas'];

/** The sandbox's webhook key in tests, so a test can sign (and forge) notifications itself. */
export const SANDBOX_SECRET = 'test-sandbox-secret';

/** A server with the payment service only (tokens are checked by signature, so no auth service is needed). */
export async function startPaymentServer(options: { clock?: Clock; payment?: PaymentPluginOptions } = {}): Promise<TestServer> {
  return createTestServer({
    plugins: [
      paymentPlugin({
        env: {},
        sandbox: { webhookSecret: SANDBOX_SECRET },
        // The job runs when a test ticks it, not on its own in the middle of one.
        reconcileIntervalSeconds: 3600,
        ...options.payment,
      }),
    ],
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/**
 * A payment store on the Midtrans adapter, talking to a local Midtrans-speaking server started with
 * it. `notificationUrl` is where that server posts its notifications (by default nowhere: tests that
 * do not need them); `payment` adds to or overrides the plugin's options.
 */
export async function startMidtransStore(
  serverKey: string,
  options: { clock?: Clock; notificationUrl?: () => string; payment?: Partial<PaymentPluginOptions> } = {},
): Promise<{ server: TestServer; midtrans: MidtransFixture }> {
  const midtrans = await startMidtransFixture(serverKey, options.notificationUrl ?? (() => 'http://127.0.0.1:9/unused'));
  const server = await startPaymentServer({
    ...(options.clock ? { clock: options.clock } : {}),
    payment: { provider: 'midtrans', sandbox: { enabled: false }, midtrans: { serverKey, baseUrl: midtrans.url }, ...options.payment },
  });
  return { server, midtrans };
}

const SESSION = `ses_${'0'.repeat(26)}`;

/** A signed-in customer (`customerSession`) or admin client and its user id. */
export function person(server: TestServer, role: 'customer' | 'admin' = 'customer'): { userId: string; client: TokoBapakClient } {
  const userId = newId('usr');
  if (role === 'customer') return { userId, client: customerSession(server, userId) };
  // The testing helpers sign no admin sessions; payments' admin-only reads need one.
  const accessToken = server.tokens.signAccessToken({ userId, role, sessionId: SESSION, storeId: null, storeRole: null });
  return { userId, client: server.client({ accessToken }) };
}

/** The order service, as payments' caller. */
export const orderService = (server: TestServer) => serviceClient(server, 'order');

/** A payment input for a new checkout. */
export function paymentInput(customerId: string | null, overrides: Partial<Schemas['PaymentInput']> = {}): Schemas['PaymentInput'] {
  return {
    reference: newId('chk'),
    amount: { amount: 150_000, currency: 'IDR' },
    customerId,
    method: { type: 'virtual_account', bank: 'bca' },
    ...overrides,
  };
}

/** Signs a sandbox notification as the sandbox gateway does (tests use it to replay, reorder and forge). */
export function signSandbox(body: SandboxBody, at: Date = new Date(), secret = SANDBOX_SECRET): { 'X-Sandbox-Signature': string } {
  const t = Math.floor(at.getTime() / 1000);
  const text = [t, body.order_id, body.transaction_status, body.gross_amount, body.currency, body.transaction_id, body.event_id].join('.');
  return { 'X-Sandbox-Signature': `t=${t},v1=${createHmac('sha256', secret).update(text).digest('hex')}` };
}

/** A sandbox notification body. */
export interface SandboxBody {
  event_id: string;
  order_id: string;
  transaction_id: string;
  transaction_status: string;
  gross_amount: number;
  currency: string;
  [key: string]: unknown;
}

/** Rows of one of the payment schema's tables matching a column (tests count charges and refunds at the gateway). */
export async function countRows(
  server: TestServer,
  table: 'sandbox_transactions' | 'sandbox_refunds' | 'refunds' | 'payments',
  column: string,
  value: string,
): Promise<number> {
  const result = await sql<{
    count: string | number;
  }>`select count(*) as count from ${sql.table(`payment.${table}`)} where ${sql.ref(column)} = ${value}`.execute(server.database.db);
  return Number(result.rows[0]?.count ?? 0);
}

/** The statements sent to the payment schema's tables while `fn` runs, as texts: each one is a round trip (and a backend wake-up) a checkout pays for. */
export function paymentStatements<T>(server: TestServer, fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  return schemaStatements(server, 'payment', fn);
}

/** Resolves after `ms` milliseconds (Node's own promise timer). */
export { sleep };

/**
 * A create and a void of one reference, raced as `mode` says: the void sent first (0), both at
 * once (1), or the void `delayMs` into the create (2 and up). The void must succeed; a create it
 * beat must be refused as voided.
 */
export async function raceCreateWithVoid(
  payments: ReturnType<typeof orderService>['payment'],
  input: Schemas['PaymentInput'],
  mode: number,
  delayMs: number,
  round: number,
): Promise<void> {
  let voiding: Promise<unknown> | undefined;
  if (mode === 0) voiding = payments.voidPayment({ body: { reference: input.reference } });
  const creating = payments.createPayment({ body: input });
  if (mode >= 2) await sleep(delayMs);
  voiding ??= payments.voidPayment({ body: { reference: input.reference } });
  const [created, voided] = await Promise.allSettled([creating, voiding]);
  expect(voided.status, `round ${round}: the void`).toBe('fulfilled');
  if (created.status === 'rejected') expect(created.reason).toMatchObject({ status: 409, code: 'PAYMENT_REFERENCE_VOIDED' });
}
