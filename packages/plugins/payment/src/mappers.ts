import type { PaymentComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { PaymentDatabase } from './database.js';

type Schemas = PaymentComponents['schemas'];

/** A `payments` row as read. */
export type PaymentRow = Selectable<PaymentDatabase['payments']>;
export type HistoryRow = Selectable<PaymentDatabase['payment_history']>;
export type RefundRow = Selectable<PaymentDatabase['refunds']>;

const iso = (value: Date | string) => new Date(value).toISOString();

/** A payment row with its history and refunds as JSON arrays (timestamps as text, int8 as numbers: `toPayment` reads either). */
export type PaymentWithContents = PaymentRow & { history: HistoryRow[]; refunds: RefundRow[] };

/** A payment read or written with its contents, as the API shows it. */
export function withContents({ history, refunds, ...row }: PaymentWithContents): Schemas['Payment'] {
  return toPayment(row, history, refunds);
}

/** A payment with its history and refunds, as the API shows it. */
export function toPayment(row: PaymentRow, history: HistoryRow[], refunds: RefundRow[]): Schemas['Payment'] {
  return {
    id: row.id,
    reference: row.reference,
    customerId: row.customer_id,
    provider: row.provider as Schemas['Payment']['provider'],
    status: row.status,
    amount: { amount: Number(row.amount), currency: row.currency },
    refundedAmount: { amount: Number(row.refunded_amount), currency: row.currency },
    refundOwed: { amount: Number(row.refund_owed), currency: row.currency },
    method: row.method,
    instructions: row.instructions,
    expiresAt: iso(row.expires_at),
    paidAt: row.paid_at === null ? null : iso(row.paid_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    history: history.map((entry) => ({ status: entry.status, at: iso(entry.at), source: entry.source, note: entry.note })),
    refunds: refunds.map((refund) => ({
      id: refund.id,
      amount: { amount: Number(refund.amount), currency: refund.currency },
      reason: refund.reason,
      status: refund.status,
      createdAt: iso(refund.created_at),
    })),
  };
}
