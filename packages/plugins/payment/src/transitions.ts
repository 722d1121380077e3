import type { PaymentComponents } from '@tokobapak/sdk';
import { type Clock, newId, queryTemplate, type TxContext } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { HistorySource, PaymentDatabase, PaymentStatus } from './database.js';
import { paymentErrors } from './errors.js';
import type { PaymentEvents } from './generated/manifest.js';
import { type HistoryRow, type PaymentRow, type PaymentWithContents, withContents } from './mappers.js';
import type { GatewayStatus } from './providers/provider.js';
import { settleStatement } from './status-statements.js';

/** A transaction of the payment schema, with its outbox. */
export type Tx = TxContext<PaymentDatabase, PaymentEvents>;

/** What the domain functions need from a handler's (or the reconciliation job's) context. */
export interface PaymentContext {
  db: Kysely<PaymentDatabase>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  clock: Clock;
}

// The only moves there are. Nothing goes back to pending, and a final status stays final: a replayed
// or late notification can therefore never undo a newer one.
const FORWARD: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['paid', 'failed', 'expired', 'cancelled'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  failed: [],
  expired: [],
  cancelled: [],
  refunded: [],
};

/** Whether a payment in `from` may become `to`. */
export function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return FORWARD[from].includes(to);
}

/** The payment row under a row lock (concurrent changes of one payment queue behind each other). */
export async function lockPayment(tx: Tx, paymentId: string): Promise<PaymentRow | undefined> {
  return tx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirst();
}

/** Appends a status to the payment's history; answers the entry as written. */
export async function recordHistory(
  tx: Tx,
  paymentId: string,
  status: PaymentStatus,
  source: HistorySource,
  note: string | null,
  at: Date,
): Promise<HistoryRow> {
  const entry = { id: newId('pst'), payment_id: paymentId, status, source, note, at };
  await tx.db.insertInto('payment_history').values(entry).execute();
  return entry;
}

type SettledStatus = 'paid' | 'failed' | 'expired' | 'cancelled';
const EVENT_OF: Record<SettledStatus, 'payment.paid' | 'payment.failed' | 'payment.expired' | 'payment.cancelled'> = {
  paid: 'payment.paid',
  failed: 'payment.failed',
  expired: 'payment.expired',
  cancelled: 'payment.cancelled',
};

/**
 * Settles a pending payment (locked by the caller) as paid, failed, expired or cancelled: the row
 * and its history in one statement, and its event, all in the caller's transaction. Answers the
 * payment as settled.
 */
export async function settle(tx: Tx, row: PaymentRow, to: SettledStatus, source: HistorySource, note: string | null, now: Date): Promise<Payment> {
  const [settled] = await settleStatement.execute(tx.db, { id: row.id, to, now, entryId: newId('pst'), source, note });
  if (!settled) throw new Error(`payment ${row.id} vanished while locked`);
  await publishSettled(tx, row, to);
  return withContents(settled);
}

async function publishSettled(tx: Tx, row: PaymentRow, to: SettledStatus): Promise<void> {
  await tx.publish({
    type: EVENT_OF[to],
    subject: row.id,
    data: {
      paymentId: row.id,
      reference: row.reference,
      customerId: row.customer_id,
      amount: { amount: Number(row.amount), currency: row.currency },
      status: to,
      provider: row.provider,
    },
  });
}

type Payment = PaymentComponents['schemas']['Payment'];

/** What a gateway said about a payment, as applied. */
export interface Applied {
  applied: boolean;
  paymentId: string | null;
  status: PaymentStatus | null;
  /** The payment as this moved it (when `applied`), for an answer that needs no read. */
  payment?: Payment;
}

/**
 * Applies a status a gateway reported (a webhook, or its answer to reconciliation). Only a move
 * forward from pending is applied; anything else — a duplicate, a replay, a status older than the
 * payment's, a refund the store itself made — changes nothing. A "paid" for another amount than
 * the payment's is not applied either.
 */
export async function applyGatewayStatus(
  ctx: PaymentContext,
  report: { paymentId: string; provider: string; status: GatewayStatus; amount: number | null; note: string },
  source: HistorySource,
): Promise<Applied> {
  return ctx.transaction(async (tx) => {
    const to = report.status;
    const settles = to === 'paid' || to === 'failed' || to === 'expired' || to === 'cancelled';
    if (settles) {
      // The usual case, a pending payment of this gateway and amount moving on, in one statement
      // with its guards in the where clause; any other case is looked at under the lock below.
      const changed = await settleStatement.execute(tx.db, {
        id: report.paymentId,
        to,
        now: ctx.clock.now(),
        entryId: newId('pst'),
        source,
        note: report.note,
        provider: report.provider,
        ...(to === 'paid' && report.amount !== null ? { amount: report.amount } : {}),
      });
      const [row] = changed;
      if (row) {
        await publishSettled(tx, row, to);
        return { applied: true, paymentId: row.id, status: to, payment: withContents(row) };
      }
    }
    const row = await lockPayment(tx, report.paymentId);
    if (!row || row.provider !== report.provider) return { applied: false, paymentId: null, status: null };
    if (!settles || !canMove(row.status, to)) return { applied: false, paymentId: row.id, status: row.status };
    if (to === 'paid' && report.amount !== null && report.amount !== Number(row.amount)) {
      await recordHistory(tx, row.id, row.status, source, `ignored: paid ${report.amount}, not ${row.amount}`, ctx.clock.now());
      return { applied: false, paymentId: row.id, status: row.status };
    }
    const payment = await settle(tx, row, to, source, report.note, ctx.clock.now());
    return { applied: true, paymentId: row.id, status: to, payment };
  });
}

/**
 * Payments, each with its history and refunds, as one statement: what every read of a payment
 * answers (one by id here, a page of them in `listing.ts`), filtered and ordered by the caller.
 */
export function paymentsWithContents(db: Kysely<PaymentDatabase>) {
  return db
    .selectFrom('payments')
    .selectAll('payments')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('payment_history')
          .selectAll('payment_history')
          .whereRef('payment_history.payment_id', '=', 'payments.id')
          .orderBy('payment_history.at')
          .orderBy('payment_history.id'),
      ).as('history'),
      jsonArrayFrom(
        eb.selectFrom('refunds').selectAll('refunds').whereRef('refunds.payment_id', '=', 'payments.id').orderBy('refunds.created_at').orderBy('refunds.id'),
      ).as('refunds'),
    ]);
}

/**
 * A payment with its history and refunds in one statement compiled once (a named prepared statement
 * on PostgreSQL): creating, paying and reading a payment each answer with it, and three statements
 * a read were a tenth of a whole checkout's.
 */
const paymentQuery = queryTemplate<PaymentDatabase, { id: string }, PaymentWithContents>({
  name: 'payment_by_id',
  build: (db, p) => paymentsWithContents(db).where('payments.id', '=', p.id) as never,
});

/** A payment with its history and refunds, or undefined. */
export async function readPayment(db: Kysely<PaymentDatabase>, paymentId: string): Promise<Payment | undefined> {
  const [row] = await paymentQuery.execute(db, { id: paymentId });
  return row && withContents(row);
}

/** The payment as it is now (it exists: the caller just wrote or read it). */
export async function mustRead(ctx: PaymentContext, paymentId: string): Promise<Payment> {
  const payment = await readPayment(ctx.db, paymentId);
  if (!payment) throw paymentErrors.PAYMENT_NOT_FOUND();
  return payment;
}
