import { Text } from 'ink';
import type { Payment } from '../services/payments-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak payments`: a table for `list`; one line with where the payment stands now for `simulate` and `acknowledge`.

const money = (value: { amount: number; currency: string }) => `${value.currency} ${value.amount}`;

const paymentColumns: Array<Column<Payment>> = [
  { title: 'ID', value: (payment) => payment.id },
  {
    title: 'STATUS',
    value: (payment) => payment.status,
    color: (payment) => (payment.status === 'paid' || payment.status === 'refunded' ? 'green' : payment.status === 'pending' ? 'yellow' : 'red'),
  },
  { title: 'AMOUNT', value: (payment) => money(payment.amount), alignRight: true },
  { title: 'REFUNDED', value: (payment) => money(payment.refundedAmount), alignRight: true },
  // What refused refunds still owe: money still with the platform that a person must return.
  { title: 'OWED', value: (payment) => money(payment.refundOwed), alignRight: true, color: (payment) => (payment.refundOwed.amount > 0 ? 'red' : undefined) },
  { title: 'GATEWAY', value: (payment) => payment.provider },
  { title: 'REFERENCE', value: (payment) => payment.reference },
  { title: 'CREATED', value: (payment) => payment.createdAt },
];

/** `tokobapak payments list`. */
export function paymentListPresentation(payments: Payment[]): Presentation {
  return {
    json: () => ({ payments }),
    plain: () => (payments.length === 0 ? ['No payments.'] : textTable(paymentColumns, payments)),
    tty: () => (payments.length === 0 ? <Text dimColor>No payments.</Text> : <Table columns={paymentColumns} rows={payments} />),
  };
}

/** `tokobapak payments acknowledge`. */
export function acknowledgedPaymentPresentation(payment: Payment): Presentation {
  const line = `Payment ${payment.id} (${payment.reference}) owes no refused refund; it is ${payment.status}, ${money(payment.refundedAmount)} refunded through the gateway`;
  return {
    json: () => ({ payment }),
    plain: () => [line],
    tty: () => <Text color="green">{line}</Text>,
  };
}

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
