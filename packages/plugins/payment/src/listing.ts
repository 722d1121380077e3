import type { PaymentComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { PaymentDatabase, PaymentStatus } from './database.js';
import { type HistoryRow, type RefundRow, toPayment } from './mappers.js';
import { paymentsWithContents } from './transitions.js';

type Schemas = PaymentComponents['schemas'];

/** Payment ids are ULIDs: their order is the order they were made in, so they are the sort key and the cursor. */
const PAYMENT_ID = /^pay_[0-9a-z]{26}$/;

/** Statuses in which a payment still holds (some of) the customer's money. */
const HOLDING: readonly PaymentStatus[] = ['paid', 'partially_refunded'];

export interface PaymentListQuery {
  status?: PaymentStatus | undefined;
  /** Only payments that still hold money and have a refund the gateway refused: the ones a person must settle. */
  refundFailed?: boolean | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/**
 * One page of payments, newest first, each with its history and refunds, in one statement: the
 * page's rows and their history and refunds come back together (`paymentsWithContents`, as a read
 * of one payment).
 */
export async function listPayments(db: Kysely<PaymentDatabase>, query: PaymentListQuery): Promise<Page<Schemas['Payment']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, PAYMENT_ID);
  let select = paymentsWithContents(db);
  if (query.status) select = select.where('payments.status', '=', query.status);
  if (query.refundFailed) {
    // A failed refund stays failed (a later one is a new row), so "needs a person" is: money still held, and one refused.
    select = select
      .where('payments.status', 'in', HOLDING)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('refunds as failed').select('failed.id').whereRef('failed.payment_id', '=', 'payments.id').where('failed.status', '=', 'failed'),
        ),
      );
  }
  if (after) select = select.where('payments.id', '<', after);
  const rows = await select
    .orderBy('payments.id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => row.id,
    // Timestamps come back from JSON as text, int8 as a JSON number; `toPayment` reads either.
    ({ history, refunds, ...payment }) => toPayment(payment, history as unknown as HistoryRow[], refunds as unknown as RefundRow[]),
  );
}
