import { requireStore } from '@tokobapak/server';
import { DEFAULT_CURRENCY, getStoreBalance, listStoreLedgerEntries } from '../balance.js';
import { getStoreWithdrawal, listWithdrawals, requestWithdrawal, requireMoneyRole, toWithdrawal } from '../withdrawals.js';
import type { MerchantHandlers } from './types.js';

/** The current store's balance, ledger and withdrawals (owners and managers, by the spec's security). */
export function balanceHandlers(): Pick<
  MerchantHandlers,
  'getStoreBalance' | 'listStoreLedgerEntries' | 'listWithdrawals' | 'requestWithdrawal' | 'getWithdrawal'
> {
  return {
    async getStoreBalance({ query }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return getStoreBalance(ctx.db, storeId, query.currency ?? DEFAULT_CURRENCY);
    },

    async listStoreLedgerEntries({ query }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return listStoreLedgerEntries(ctx.db, storeId, query);
    },

    async listWithdrawals({ query }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return listWithdrawals(ctx.db, { ...query, storeId });
    },

    async requestWithdrawal({ body }, ctx) {
      const { storeId, userId } = requireStore(ctx.caller);
      await requireMoneyRole(ctx.db, storeId, userId);
      return toWithdrawal(await requestWithdrawal(ctx.transaction, { storeId, userId }, body, ctx.clock.now()));
    },

    async getWithdrawal({ params }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return toWithdrawal(await getStoreWithdrawal(ctx.db, storeId, params.withdrawalId));
    },
  };
}
