import { Text } from 'ink';
import type { Payment } from '../services/payments-actions.js';
import type { Presentation } from './output.js';

// `tokobapak payments simulate`: one line with where the payment stands now.

/** `tokobapak payments simulate`. */
export function simulatedPaymentPresentation(payment: Payment): Presentation {
  const amount = `${payment.amount.amount} ${payment.amount.currency}`;
  const line = `Payment ${payment.id} (${amount}, ${payment.reference}) is ${payment.status}`;
  return {
    json: () => ({ payment }),
    plain: () => [line],
    tty: () => <Text color={payment.status === 'paid' ? 'green' : 'yellow'}>{line}</Text>,
  };
}
