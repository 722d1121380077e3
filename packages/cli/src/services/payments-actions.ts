import type { PaymentComponents } from '@tokobapak/sdk';
import { oneOf } from './choices.js';
import { CliError } from './errors.js';
import { firstItems } from './first-items.js';
import { paymentVariables } from './payments-environment.js';
import { type Connection, callApi, signIn } from './store-connection.js';

/** A payment as the payment service returns it. */
export type Payment = PaymentComponents['schemas']['Payment'];

export type PaymentStatus = PaymentComponents['schemas']['PaymentStatus'];

const STATUSES: PaymentStatus[] = ['pending', 'paid', 'expired', 'cancelled', 'failed', 'refunded', 'partially_refunded'];

/** Checks `--status` before the API would refuse it less helpfully. */
export function paymentStatusFilter(value: string | undefined): PaymentStatus | undefined {
  return oneOf(value, STATUSES, paymentVariables.paymentStatus);
}

/** Checks `--limit`: a whole number of payments, at least one. */
export function listLimitOf(value: string | undefined): number {
  if (value === undefined) return 20;
  if (/^[1-9][0-9]{0,5}$/.test(value)) return Number(value);
  throw new CliError('CLI_INVALID_VALUE', `--limit / TOKOBAPAK_LIMIT must be a whole number from 1 to 999999, got "${value}"`);
}

/** What `tokobapak payments list` asks for. */
export interface PaymentListFilter {
  status: PaymentStatus | undefined;
  refundFailed: boolean;
  limit: number;
}

/**
 * The platform's payments, newest first, following the cursor until `limit` are listed. Only an
 * admin may list them, signed in as a person.
 */
export async function listPayments(connection: Connection, filter: PaymentListFilter): Promise<Payment[]> {
  const client = await signIn(connection);
  const query = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.refundFailed ? { refundFailed: true } : {}),
    limit: Math.min(filter.limit, 100),
  };
  return callApi(connection, () => firstItems(client.payment.listPayments.iterate({ query }), filter.limit));
}

/** Checks `<paymentId>` before anything is sent. */
function paymentIdOf(paymentId: string): string {
  if (!/^pay_[0-9a-z]{26}$/.test(paymentId)) throw new CliError('CLI_INVALID_VALUE', `<paymentId> must be a pay_… id, got "${paymentId}"`);
  return paymentId;
}

/** Checks `--note`: required, and as long as the API keeps. */
export function acknowledgementNoteOf(value: string | undefined): string {
  const note = value?.trim() ?? '';
  if (note.length === 0) throw new CliError('CLI_INVALID_VALUE', '--note / TOKOBAPAK_NOTE is required: say how the money went back');
  if (note.length > 400) throw new CliError('CLI_INVALID_VALUE', `--note / TOKOBAPAK_NOTE must be at most 400 characters, got ${note.length}`);
  return note;
}

/**
 * Records that the money of a payment's refused refunds went back outside the store: it owes
 * nothing any more and leaves `--refund-failed`. Admins only, signed in as a person; the same
 * again answers the payment as it is.
 */
export async function acknowledgeRefundFailure(connection: Connection, paymentId: string, note: string): Promise<Payment> {
  const id = paymentIdOf(paymentId);
  const client = await signIn(connection);
  return callApi(connection, () => client.payment.acknowledgeRefundFailure({ params: { paymentId: id }, body: { note } }));
}

/** What the sandbox customer does. */
export type SimulatedOutcome = 'paid' | 'failed' | 'expired';

/** Checks `--outcome`, naming the flag. */
export function outcomeOf(value: string | undefined): SimulatedOutcome {
  if (value === undefined) return 'paid';
  if (value === 'paid' || value === 'failed' || value === 'expired') return value;
  throw new CliError('CLI_INVALID_VALUE', `--outcome / TOKOBAPAK_PAYMENT_OUTCOME must be paid, failed or expired, got "${value}"`);
}

/**
 * Plays the customer at the sandbox gateway: the store's sandbox records the outcome and sends its
 * signed webhook to the store, and the answer is the payment after it. Only the payment's customer
 * (or an admin) may do it, signed in as a person.
 */
export async function simulatePayment(connection: Connection, paymentId: string, outcome: SimulatedOutcome): Promise<Payment> {
  const id = paymentIdOf(paymentId);
  const client = await signIn(connection);
  return callApi(connection, () => client.payment.simulatePayment({ params: { paymentId: id }, body: { outcome } }));
}
