import { newId } from '@tokobapak/server';
import type { Db } from './context.js';
import type { LedgerAccountKind, LedgerPostingKind } from './database.js';

/** The owner of the platform's own accounts. */
export const PLATFORM = 'platform';

/**
 * Accounts whose balance grows with credits: what the platform owes stores (available, pending)
 * and its fee revenue. Clearing (money held) and adjustments (the platform's cost) grow with debits.
 */
const CREDIT_NORMAL: Record<LedgerAccountKind, boolean> = {
  store_available: true,
  store_pending: true,
  platform_fee_revenue: true,
  platform_clearing: false,
  platform_adjustments: false,
};

/** One entry of a posting: debits positive, credits negative. */
export interface PostingLine {
  kind: LedgerAccountKind;
  amount: number;
}

/** A posting to write: one store's accounts and the platform's, in one currency. */
export interface NewPosting {
  kind: LedgerPostingKind;
  storeId: string;
  currency: string;
  /** What the posting records; a second posting with the same key is not written. */
  sourceKey: string;
  orderId?: string | null;
  refundId?: string | null;
  withdrawalId?: string | null;
  memo: string;
  createdByUserId?: string | null;
  lines: PostingLine[];
}

/** The natural balance of an account after a signed entry (credits count up on credit-normal accounts). */
export function naturalAmount(kind: LedgerAccountKind, amount: number): number {
  return CREDIT_NORMAL[kind] ? -amount : amount;
}

/** A debit of `amount` (positive) to an account, as a posting line. */
export const debit = (kind: LedgerAccountKind, amount: number): PostingLine => ({ kind, amount });
/** A credit of `amount` (positive) to an account, as a posting line. */
export const credit = (kind: LedgerAccountKind, amount: number): PostingLine => ({ kind, amount: -amount });

const isStoreAccount = (kind: LedgerAccountKind) => kind === 'store_available' || kind === 'store_pending';

/** A store's two accounts in one currency, locked, with their balances. */
export interface LockedStoreAccounts {
  available: { id: string; balance: number };
  pending: { id: string; balance: number };
}

/**
 * Creates the store's accounts in `currency` if need be and locks both rows (`for update`, in id
 * order, the one order every posting uses, so postings of one store never deadlock). Everything
 * that moves a store's money holds these locks until its transaction commits: a check of the
 * balance made under them stays true until the posting that depends on it is written.
 */
export async function lockStoreAccounts(db: Db, storeId: string, currency: string): Promise<LockedStoreAccounts> {
  await ensureAccounts(db, storeId, currency, ['store_available', 'store_pending']);
  const rows = await db
    .selectFrom('ledger_accounts')
    .select(['id', 'kind', 'balance'])
    .where('owner', '=', storeId)
    .where('currency', '=', currency)
    .where('kind', 'in', ['store_available', 'store_pending'])
    .orderBy('id')
    .forUpdate()
    .execute();
  const find = (kind: LedgerAccountKind) => {
    const row = rows.find((item) => item.kind === kind);
    if (!row) throw new Error(`ledger account ${kind} of ${storeId} in ${currency} is missing`);
    return { id: row.id, balance: Number(row.balance) };
  };
  return { available: find('store_available'), pending: find('store_pending') };
}

async function ensureAccounts(db: Db, owner: string, currency: string, kinds: LedgerAccountKind[]): Promise<void> {
  await db
    .insertInto('ledger_accounts')
    .values(kinds.map((kind) => ({ id: newId('lac'), owner, kind, currency })))
    .onConflict((oc) => oc.columns(['owner', 'kind', 'currency']).doNothing())
    .execute();
}

/**
 * Writes a balanced posting in the caller's transaction, or nothing when a posting with the same
 * `sourceKey` exists already (the unique index decides, so a redelivered event or a racing retry
 * posts once). Returns the new posting's id, or null when it was a repeat.
 *
 * Store accounts' cached balances move under their row locks; platform accounts are append-only
 * (their balances are sums of their entries), so no posting waits on a platform-wide hot row.
 */
export async function post(db: Db, posting: NewPosting, now: Date): Promise<string | null> {
  const lines = posting.lines.filter((line) => line.amount !== 0);
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amount)) throw new Error(`ledger amount ${line.amount} is not a safe integer`);
  }
  if (lines.reduce((sum, line) => sum + line.amount, 0) !== 0) throw new Error(`posting ${posting.sourceKey} does not balance`);

  const id = newId('lpo');
  const inserted = await db
    .insertInto('ledger_postings')
    .values({
      id,
      kind: posting.kind,
      store_id: posting.storeId,
      currency: posting.currency,
      source_key: posting.sourceKey,
      order_id: posting.orderId ?? null,
      refund_id: posting.refundId ?? null,
      withdrawal_id: posting.withdrawalId ?? null,
      memo: posting.memo,
      created_by_user_id: posting.createdByUserId ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('source_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;

  const store = await lockStoreAccounts(db, posting.storeId, posting.currency);
  const platformKinds = [...new Set(lines.map((line) => line.kind).filter((kind) => !isStoreAccount(kind)))];
  const platformIds = new Map<LedgerAccountKind, string>();
  if (platformKinds.length > 0) {
    await ensureAccounts(db, PLATFORM, posting.currency, platformKinds);
    const rows = await db
      .selectFrom('ledger_accounts')
      .select(['id', 'kind'])
      .where('owner', '=', PLATFORM)
      .where('currency', '=', posting.currency)
      .where('kind', 'in', platformKinds)
      .execute();
    for (const row of rows) platformIds.set(row.kind, row.id);
  }

  const entries = [];
  for (const line of lines) {
    if (isStoreAccount(line.kind)) {
      const account = line.kind === 'store_available' ? store.available : store.pending;
      account.balance += naturalAmount(line.kind, line.amount);
      await db.updateTable('ledger_accounts').set({ balance: account.balance }).where('id', '=', account.id).execute();
      entries.push({ account_id: account.id, owner: posting.storeId, amount: line.amount, balance_after: account.balance });
    } else {
      const accountId = platformIds.get(line.kind);
      if (!accountId) throw new Error(`platform ledger account ${line.kind} in ${posting.currency} is missing`);
      entries.push({ account_id: accountId, owner: PLATFORM, amount: line.amount, balance_after: null });
    }
  }
  if (entries.length > 0) {
    await db
      .insertInto('ledger_entries')
      .values(entries.map((entry) => ({ id: newId('len'), posting_id: id, currency: posting.currency, created_at: now, ...entry })))
      .execute();
  }
  return id;
}
