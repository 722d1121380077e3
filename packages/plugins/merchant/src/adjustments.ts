import type { MerchantComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { getStoreBalance } from './balance.js';
import type { Transact } from './context.js';
import { merchantErrors } from './errors.js';
import { credit, debit, lockStoreAccounts, post } from './ledger.js';
import { iso } from './mappers.js';

type Schemas = MerchantComponents['schemas'];

/**
 * An admin's hand correction of a store's available balance, against the platform's adjustments
 * account so that the ledger stays balanced; the posting keeps the admin and the reason. A debit
 * is checked against the available balance under the store's account lock, like a withdrawal.
 */
export async function adjustStoreBalance(
  transact: Transact,
  storeId: string,
  input: Schemas['BalanceAdjustmentInput'],
  adminUserId: string,
  now: Date,
): Promise<Schemas['BalanceAdjustment']> {
  const { amount, currency } = input.amount;
  if (amount === 0) throw merchantErrors.MERCHANT_AMOUNT_INVALID({ errors: [{ pointer: '#/amount/amount', message: 'must not be zero' }] });
  return transact(async (tx) => {
    const store = await tx.db.selectFrom('stores').select('id').where('id', '=', storeId).executeTakeFirst();
    if (!store) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
    const accounts = await lockStoreAccounts(tx.db, storeId, currency);
    if (amount < 0 && accounts.available.balance + amount < 0) {
      throw merchantErrors.MERCHANT_INSUFFICIENT_BALANCE(`Available: ${accounts.available.balance} ${currency}; debit: ${-amount} ${currency}`);
    }
    const lines =
      amount > 0
        ? [debit('platform_adjustments', amount), credit('store_available', amount)]
        : [debit('store_available', -amount), credit('platform_adjustments', -amount)];
    const postingId = await post(
      tx.db,
      { kind: 'adjustment', storeId, currency, sourceKey: `adjustment:${newId('adj')}`, memo: input.reason, createdByUserId: adminUserId, lines },
      now,
    );
    if (!postingId) throw new Error('a fresh adjustment key was already posted');
    return {
      postingId,
      storeId,
      amount: { amount, currency },
      reason: input.reason,
      adjustedByUserId: adminUserId,
      createdAt: iso(now),
      balance: await getStoreBalance(tx.db, storeId, currency),
    };
  });
}
