import { queryTemplate } from '@tokobapak/server';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { HistorySource, PaymentDatabase, PaymentStatus } from './database.js';
import type { PaymentRow, PaymentWithContents } from './mappers.js';

// Each status a payment takes and its history row are written by one statement: the history row is
// inserted from what the payment's own write returned, so it exists exactly when the payment
// changed, and the pair costs one round trip instead of two (and, alone, no transaction).

/** A payment made with its first history entry. */
export interface ClaimValues {
  id: string;
  reference: string;
  customerId: string | null;
  provider: string;
  amount: number;
  currency: string;
  /** The method as JSON text. */
  method: string;
  expiresAt: Date;
  now: Date;
  entryId: string;
  note: string;
}

/**
 * Inserts a pending payment and its `pending` history entry; answers the row, or nothing when the
 * reference already has a payment or was voided (a concurrent first call with the reference waits
 * at the unique index for the other to commit, then gets nothing). The void check here spares a
 * charge for a reference voided before; a void committed while this runs is caught when the
 * charge's answer is stored (`payments.ts`).
 */
export const claimStatement = queryTemplate<PaymentDatabase, ClaimValues, PaymentRow>({
  name: 'payment_claim',
  build: (db, p) =>
    db
      .with('inserted', (db) =>
        db
          .insertInto('payments')
          .columns([
            'id',
            'reference',
            'customer_id',
            'provider',
            'status',
            'amount',
            'currency',
            'refunded_amount',
            'method',
            'instructions',
            'provider_reference',
            'expires_at',
            'paid_at',
            'created_at',
            'updated_at',
          ])
          // insert … select, not values, so that the row is written only where the reference is not void.
          .expression(
            db
              .selectNoFrom((eb) => [
                eb.cast<string>(eb.val(p.id), 'text').as('id'),
                eb.cast<string>(eb.val(p.reference), 'text').as('reference'),
                eb.cast<string | null>(eb.val(p.customerId), 'text').as('customer_id'),
                eb.cast<string>(eb.val(p.provider), 'text').as('provider'),
                eb.cast<PaymentStatus>(eb.val('pending'), 'text').as('status'),
                eb.cast<number>(eb.val(p.amount), 'bigint').as('amount'),
                eb.cast<string>(eb.val(p.currency), 'text').as('currency'),
                eb.cast<number>(eb.val(0), 'bigint').as('refunded_amount'),
                eb.cast<string>(eb.val(p.method), 'jsonb').as('method'),
                eb.cast<string | null>(eb.val(null), 'jsonb').as('instructions'),
                eb.cast<string | null>(eb.val(null), 'text').as('provider_reference'),
                eb.cast<Date>(eb.val(p.expiresAt), 'timestamptz').as('expires_at'),
                eb.cast<Date | null>(eb.val(null), 'timestamptz').as('paid_at'),
                eb.cast<Date>(eb.val(p.now), 'timestamptz').as('created_at'),
                eb.cast<Date>(eb.val(p.now), 'timestamptz').as('updated_at'),
              ])
              .where((eb) => eb.not(eb.exists(eb.selectFrom('voided_references').select('reference').where('reference', '=', p.reference)))),
          )
          .onConflict((conflict) => conflict.column('reference').doNothing())
          .returningAll(),
      )
      .with('entry', (db) =>
        db
          .insertInto('payment_history')
          .columns(['id', 'payment_id', 'status', 'source', 'note', 'at'])
          .expression((eb) =>
            eb
              .selectFrom('inserted')
              .select((eb) => [
                eb.cast<string>(eb.val(p.entryId), 'text').as('id'),
                'inserted.id as payment_id',
                'inserted.status',
                eb.cast<HistorySource>(eb.val('api'), 'text').as('source'),
                eb.cast<string>(eb.val(p.note), 'text').as('note'),
                'inserted.created_at as at',
              ]),
          )
          .returning('payment_history.id'),
      )
      .selectFrom('inserted')
      .selectAll(),
});

const HISTORY_COLUMNS = ['id', 'payment_id', 'status', 'source', 'note', 'at'] as const;

/** A payment settled, with its history entry. */
export interface SettleValues {
  id: string;
  to: 'paid' | 'failed' | 'expired' | 'cancelled';
  now: Date;
  entryId: string;
  source: HistorySource;
  note: string | null;
  /** When set, the payment moves only if it is pending with this gateway (else the caller holds its lock and checked). */
  provider?: string;
  /** When set, a `paid` moves only a payment of this amount. */
  amount?: number;
}

/**
 * Moves a payment to a settled status and appends the history entry; answers the payment as changed,
 * with its history (the new entry included) and refunds as `payment_by_id` reads them, so that the
 * caller answers without reading it back; or nothing when a guard (`provider`, `amount`) refused.
 * Under READ COMMITTED a concurrent change of the row makes this statement wait for it and check its
 * guards again on the new row, so of two concurrent settlements of one pending payment exactly one
 * moves it.
 */
export const settleStatement = queryTemplate<PaymentDatabase, SettleValues, PaymentWithContents>({
  name: 'payment_settle',
  shape: (values) =>
    `${values.to === 'paid' ? 'paid' : 'settled'}:${values.provider === undefined ? 'locked' : 'pending'}:${values.amount === undefined ? '' : 'amount'}`,
  build: (db, p, values) =>
    db
      .with('changed', (db) =>
        db
          .updateTable('payments')
          .set({ status: p.to, updated_at: p.now, ...(values.to === 'paid' ? { paid_at: p.now } : {}) })
          .where('id', '=', p.id)
          .$if(values.provider !== undefined, (update) =>
            // The only move into a settled status is from pending (transitions.ts).
            update.where('provider', '=', p.provider).where('status', '=', 'pending' satisfies PaymentStatus),
          )
          .$if(values.amount !== undefined, (update) => update.where('amount', '=', p.amount))
          .returningAll(),
      )
      .with('entry', (db) =>
        db
          .insertInto('payment_history')
          .columns(['id', 'payment_id', 'status', 'source', 'note', 'at'])
          .expression((eb) =>
            eb
              .selectFrom('changed')
              .select((eb) => [
                eb.cast<string>(eb.val(p.entryId), 'text').as('id'),
                'changed.id as payment_id',
                'changed.status',
                eb.cast<HistorySource>(eb.val(p.source), 'text').as('source'),
                eb.cast<string | null>(eb.val(p.note), 'text').as('note'),
                'changed.updated_at as at',
              ]),
          )
          .returningAll(),
      )
      .selectFrom('changed')
      .selectAll('changed')
      .select((eb) => [
        // The statement's other parts do not see the entry it inserts (one snapshot): it is added from its own returning.
        jsonArrayFrom(
          eb
            .selectFrom((from) =>
              from
                .selectFrom('payment_history')
                .select(HISTORY_COLUMNS)
                .whereRef('payment_history.payment_id', '=', 'changed.id')
                .unionAll((union) => union.selectFrom('entry').select(HISTORY_COLUMNS))
                .as('history'),
            )
            .selectAll()
            .orderBy('history.at')
            .orderBy('history.id'),
        ).as('history'),
        jsonArrayFrom(
          eb.selectFrom('refunds').selectAll('refunds').whereRef('refunds.payment_id', '=', 'changed.id').orderBy('refunds.created_at').orderBy('refunds.id'),
        ).as('refunds'),
      ]) as never,
});
