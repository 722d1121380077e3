import type { PaymentComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { PaymentDatabase, PaymentStatus } from './database.js';
import { type HistoryRow, type RefundRow, toPayment } from './mappers.js';
import { paymentsWithContents } from './transitions.js';

type Schemas = PaymentComponents['schemas'];

/** Payment ids are ULIDs: their order is the order they were made in, so they are the sort key and the cursor. */
const PAYMENT_ID = /^pay_[0-9a-z]{26}$/;

export interface PaymentListQuery {
  status?: PaymentStatus | undefined;
  /** Only payments owing a refund the gateway refused and nobody made good since: the ones a person must settle. */
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
  // What is owed is kept on the payment as refunds fail, go through and are acknowledged (`refunds.ts`).
  if (query.refundFailed) select = select.where('payments.refund_owed', '>', 0);
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
