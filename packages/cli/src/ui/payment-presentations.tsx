import { Text } from 'ink';
import type { Payment } from '../services/payments-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak payments`: a table for `list`; one line with where the payment stands now for `simulate`.

const money = (value: { amount: number; currency: string }) => `${value.currency} ${value.amount}`;

/** Refunds the gateway refused: the money they were for is still with the platform. */
const refusedRefunds = (payment: Payment) => payment.refunds.filter((refund) => refund.status === 'failed').length;

const paymentColumns: Array<Column<Payment>> = [
  { title: 'ID', value: (payment) => payment.id },
  {
    title: 'STATUS',
    value: (payment) => payment.status,
    color: (payment) => (payment.status === 'paid' || payment.status === 'refunded' ? 'green' : payment.status === 'pending' ? 'yellow' : 'red'),
  },
  { title: 'AMOUNT', value: (payment) => money(payment.amount), alignRight: true },
  { title: 'REFUNDED', value: (payment) => money(payment.refundedAmount), alignRight: true },
  { title: 'REFUSED REFUNDS', value: (payment) => String(refusedRefunds(payment)), alignRight: true },
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
