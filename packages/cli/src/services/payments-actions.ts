import type { PaymentComponents } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { type Connection, callApi, signIn } from './store-connection.js';

/** A payment as the payment service returns it. */
export type Payment = PaymentComponents['schemas']['Payment'];

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
  if (!/^pay_[0-9a-z]{26}$/.test(paymentId)) throw new CliError('CLI_INVALID_VALUE', `<paymentId> must be a pay_… id, got "${paymentId}"`);
  const client = await signIn(connection);
  return callApi(connection, () => client.payment.simulatePayment({ params: { paymentId }, body: { outcome } }));
}
