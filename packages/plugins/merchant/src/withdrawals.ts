import type { MerchantComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, newId, type Page, toPage } from '@tokobapak/server';
import type { Selectable } from 'kysely';
import type { Db, Transact } from './context.js';
import type { MerchantDatabase, WithdrawalStatus } from './database.js';
import { merchantErrors } from './errors.js';
import { credit, debit, lockStoreAccounts, post } from './ledger.js';
import { iso } from './mappers.js';

type Schemas = MerchantComponents['schemas'];
type WithdrawalRow = Selectable<MerchantDatabase['withdrawals']>;

const WITHDRAWAL_ID = /^wdr_[0-9a-z]{26}$/;

/** Who asks for a withdrawal: a member of the store, by user id. */
export interface Requester {
  storeId: string;
  userId: string;
}

/**
 * Refuses a caller who is not an owner or manager of the store now: a session keeps the role it
 * was issued with until it expires, and money should not leave on a role someone no longer has.
 */
export async function requireMoneyRole(db: Db, storeId: string, userId: string): Promise<void> {
  const member = await db.selectFrom('memberships').select('role').where('store_id', '=', storeId).where('user_id', '=', userId).executeTakeFirst();
  if (member?.role !== 'owner' && member?.role !== 'manager') {
    throw merchantErrors.MERCHANT_ROLE_REQUIRED('Your current role in this store does not allow withdrawals; refresh your store session');
  }
}

/**
 * Opens a withdrawal: in one transaction, under the lock of the store's accounts, the available
 * balance is checked and the amount moved to pending. Concurrent requests queue on that lock, so
 * each sees the balance the previous ones left, and their sum never exceeds what was available.
 */
export async function requestWithdrawal(transact: Transact, requester: Requester, input: Schemas['RequestWithdrawalInput'], now: Date): Promise<WithdrawalRow> {
  const { amount, currency } = input.amount;
  return transact(async (tx) => {
    const store = await tx.db.selectFrom('stores').select('status').where('id', '=', requester.storeId).executeTakeFirst();
    if (!store) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
    if (store.status !== 'active') throw merchantErrors.MERCHANT_STORE_SUSPENDED('A suspended store cannot request withdrawals');
    const accounts = await lockStoreAccounts(tx.db, requester.storeId, currency);
    if (accounts.available.balance < amount) {
      throw merchantErrors.MERCHANT_INSUFFICIENT_BALANCE(`Available: ${accounts.available.balance} ${currency}; requested: ${amount} ${currency}`);
    }
    const withdrawal = await tx.db
      .insertInto('withdrawals')
      .values({
        id: newId('wdr'),
        store_id: requester.storeId,
        currency,
        amount,
        bank_code: input.bankAccount.bankCode,
        account_number: input.bankAccount.accountNumber,
        account_holder_name: input.bankAccount.accountHolderName,
        note: input.note ?? null,
        status: 'requested',
        requested_by_user_id: requester.userId,
        requested_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await post(
      tx.db,
      {
        kind: 'withdrawal_requested',
        storeId: requester.storeId,
        currency,
        sourceKey: `withdrawal.requested:${withdrawal.id}`,
        withdrawalId: withdrawal.id,
        memo: `Withdrawal to ${input.bankAccount.bankCode} ${maskAccount(input.bankAccount.accountNumber)} requested`,
        createdByUserId: requester.userId,
        lines: [debit('store_available', amount), credit('store_pending', amount)],
      },
      now,
    );
    return withdrawal;
  });
}

function maskAccount(accountNumber: string): string {
  return `••••${accountNumber.slice(-4)}`;
}

/** An admin's decision on a withdrawal. */
export type WithdrawalDecision = { to: 'approved' } | { to: 'paid'; payoutReference: string } | { to: 'rejected'; reason: string };

// From which states each decision may be taken; taking it again on its own state changes nothing.
const ALLOWED_FROM: Record<WithdrawalDecision['to'], WithdrawalStatus[]> = {
  approved: ['requested'],
  paid: ['approved'],
  rejected: ['requested', 'approved'],
};

/**
 * Moves a withdrawal on, under a lock on its row (so two admins cannot pay and reject one
 * withdrawal). Paying takes the money out of the store's pending balance and the platform's
 * clearing account; rejecting returns it to available. Repeating a decision returns the
 * withdrawal unchanged and posts nothing.
 */
export async function decideWithdrawal(
  transact: Transact,
  withdrawalId: string,
  decision: WithdrawalDecision,
  adminUserId: string,
  now: Date,
): Promise<WithdrawalRow> {
  return transact(async (tx) => {
    const row = await tx.db.selectFrom('withdrawals').selectAll().where('id', '=', withdrawalId).forUpdate().executeTakeFirst();
    if (!row) throw merchantErrors.MERCHANT_WITHDRAWAL_NOT_FOUND();
    if (row.status === decision.to) return row;
    if (!ALLOWED_FROM[decision.to].includes(row.status)) {
      throw merchantErrors.MERCHANT_WITHDRAWAL_INVALID_TRANSITION(`A ${row.status} withdrawal cannot become ${decision.to}`);
    }
    const amount = Number(row.amount);
    const base = { storeId: row.store_id, currency: row.currency, withdrawalId: row.id, createdByUserId: adminUserId };
    if (decision.to === 'approved') {
      return tx.db
        .updateTable('withdrawals')
        .set({ status: 'approved', approved_at: now, approved_by_user_id: adminUserId, updated_at: now })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    if (decision.to === 'paid') {
      await post(
        tx.db,
        {
          ...base,
          kind: 'withdrawal_paid',
          sourceKey: `withdrawal.paid:${row.id}`,
          memo: `Withdrawal paid out (reference ${decision.payoutReference})`,
          lines: [debit('store_pending', amount), credit('platform_clearing', amount)],
        },
        now,
      );
      return tx.db
        .updateTable('withdrawals')
        .set({ status: 'paid', paid_at: now, paid_by_user_id: adminUserId, payout_reference: decision.payoutReference, updated_at: now })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await post(
      tx.db,
      {
        ...base,
        kind: 'withdrawal_rejected',
        sourceKey: `withdrawal.rejected:${row.id}`,
        memo: `Withdrawal rejected: ${decision.reason}`,
        lines: [debit('store_pending', amount), credit('store_available', amount)],
      },
      now,
    );
    return tx.db
      .updateTable('withdrawals')
      .set({ status: 'rejected', rejected_at: now, rejected_by_user_id: adminUserId, rejection_reason: decision.reason, updated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** One of a store's withdrawals; another store's is reported like a missing one. */
export async function getStoreWithdrawal(db: Db, storeId: string, withdrawalId: string): Promise<WithdrawalRow> {
  const row = await db.selectFrom('withdrawals').selectAll().where('id', '=', withdrawalId).where('store_id', '=', storeId).executeTakeFirst();
  if (!row) throw merchantErrors.MERCHANT_WITHDRAWAL_NOT_FOUND();
  return row;
}

/** One page of withdrawals, newest first: one store's (`storeId`), or every store's for admins. */
export async function listWithdrawals(
  db: Db,
  query: { storeId?: string | undefined; status?: WithdrawalStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Withdrawal']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, WITHDRAWAL_ID);
  let select = db.selectFrom('withdrawals').selectAll();
  if (query.storeId) select = select.where('store_id', '=', query.storeId);
  if (query.status) select = select.where('status', '=', query.status);
  if (after) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => row.id, toWithdrawal);
}

const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** The `Withdrawal` schema. */
export function toWithdrawal(row: WithdrawalRow): Schemas['Withdrawal'] {
  return {
    id: row.id,
    storeId: row.store_id,
    amount: { amount: Number(row.amount), currency: row.currency },
    bankAccount: { bankCode: row.bank_code, accountNumber: row.account_number, accountHolderName: row.account_holder_name },
    note: row.note,
    status: row.status,
    requestedByUserId: row.requested_by_user_id,
    requestedAt: iso(row.requested_at),
    approvedAt: isoOrNull(row.approved_at),
    approvedByUserId: row.approved_by_user_id,
    paidAt: isoOrNull(row.paid_at),
    paidByUserId: row.paid_by_user_id,
    payoutReference: row.payout_reference,
    rejectedAt: isoOrNull(row.rejected_at),
    rejectedByUserId: row.rejected_by_user_id,
    rejectionReason: row.rejection_reason,
    updatedAt: iso(row.updated_at),
  };
}
