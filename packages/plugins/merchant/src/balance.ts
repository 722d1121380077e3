import type { MerchantComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, type Page, toPage } from '@tokobapak/server';
import { sql } from 'kysely';
import type { Db } from './context.js';
import { naturalAmount, PLATFORM } from './ledger.js';
import { iso } from './mappers.js';

type Schemas = MerchantComponents['schemas'];

/** The currency a balance is shown in when the caller names none. */
export const DEFAULT_CURRENCY = 'IDR';

const ENTRY_ID = /^len_[0-9a-z]{26}$/;

/** A store's balance in one currency, read from its cached account balances (zeros when it has none). */
export async function getStoreBalance(db: Db, storeId: string, currency: string): Promise<Schemas['StoreBalance']> {
  const rows = await db
    .selectFrom('ledger_accounts')
    .select(['kind', 'balance'])
    .where('owner', '=', storeId)
    .where('currency', '=', currency)
    .where('kind', 'in', ['store_available', 'store_pending'])
    .execute();
  const balance = (kind: string) => Number(rows.find((row) => row.kind === kind)?.balance ?? 0);
  return {
    storeId,
    currency,
    available: { amount: balance('store_available'), currency },
    pending: { amount: balance('store_pending'), currency },
  };
}

/** One page of the entries on a store's accounts in one currency, newest first. */
export async function listStoreLedgerEntries(
  db: Db,
  storeId: string,
  query: { currency?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['LedgerEntry']>> {
  const currency = query.currency ?? DEFAULT_CURRENCY;
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, ENTRY_ID);
  let select = db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_postings as p', 'p.id', 'e.posting_id')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    .select([
      'e.id',
      'e.posting_id',
      'e.amount',
      'e.balance_after',
      'e.created_at',
      'a.kind as account_kind',
      'p.kind',
      'p.order_id',
      'p.refund_id',
      'p.withdrawal_id',
      'p.memo',
    ])
    .where('e.owner', '=', storeId)
    .where('e.currency', '=', currency);
  if (after) select = select.where('e.id', '<', after);
  const rows = await select
    .orderBy('e.id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => ({
      id: row.id,
      postingId: row.posting_id,
      kind: row.kind,
      account: row.account_kind === 'store_pending' ? 'pending' : 'available',
      amount: { amount: naturalAmount(row.account_kind, Number(row.amount)), currency },
      balanceAfter: { amount: Number(row.balance_after ?? 0), currency },
      orderId: row.order_id,
      refundId: row.refund_id,
      withdrawalId: row.withdrawal_id,
      memo: row.memo,
      createdAt: iso(row.created_at),
    }),
  );
}

/**
 * The platform's accounts in one currency, summed from their entries, and the sums of every
 * store's cached balances. Both sides come from one statement, so they are of one moment.
 */
export async function getPlatformLedger(db: Db, currency: string): Promise<Schemas['PlatformLedger']> {
  const rows = await db
    .selectFrom('ledger_accounts as a')
    .select([
      'a.kind',
      sql<string>`case when a.owner = ${PLATFORM}
        then coalesce((select sum(e.amount) from merchant.ledger_entries e where e.account_id = a.id), 0)
        else a.balance end`.as('signed'),
    ])
    .where('a.currency', '=', currency)
    .execute();
  const sums = new Map<string, number>();
  for (const row of rows) {
    // Platform sums are signed (debits positive); store balances are already natural.
    const value = row.kind.startsWith('platform_') ? naturalAmount(row.kind, Number(row.signed)) : Number(row.signed);
    sums.set(row.kind, (sums.get(row.kind) ?? 0) + value);
  }
  const money = (kind: string) => ({ amount: sums.get(kind) ?? 0, currency });
  return {
    currency,
    clearing: money('platform_clearing'),
    feeRevenue: money('platform_fee_revenue'),
    adjustments: money('platform_adjustments'),
    storesAvailable: money('store_available'),
    storesPending: money('store_pending'),
  };
}
