import { requireUser } from '@tokobapak/server';
import { adjustStoreBalance } from '../adjustments.js';
import { DEFAULT_CURRENCY, getPlatformLedger, getStoreBalance, listStoreLedgerEntries } from '../balance.js';
import { getStore } from '../stores.js';
import { decideWithdrawal, listWithdrawals, toWithdrawal } from '../withdrawals.js';
import type { MerchantHandlers } from './types.js';

/** Admins' view of every store's balance, hand adjustments, and the withdrawal desk. */
export function payoutHandlers(): Pick<
  MerchantHandlers,
  | 'adminGetStoreBalance'
  | 'adminListStoreLedgerEntries'
  | 'adjustStoreBalance'
  | 'listPlatformLedgerAccounts'
  | 'adminListWithdrawals'
  | 'approveWithdrawal'
  | 'markWithdrawalPaid'
  | 'rejectWithdrawal'
> {
  return {
    async adminGetStoreBalance({ params, query }, ctx) {
      await getStore(ctx.db, params.storeId);
      return getStoreBalance(ctx.db, params.storeId, query.currency ?? DEFAULT_CURRENCY);
    },

    async adminListStoreLedgerEntries({ params, query }, ctx) {
      // The list first, so a forged cursor is a 400 whatever the store; an empty page asks whether the store exists.
      const page = await listStoreLedgerEntries(ctx.db, params.storeId, query);
      if (page.items.length === 0) await getStore(ctx.db, params.storeId);
      return page;
    },

    async adjustStoreBalance({ params, body }, ctx) {
      return adjustStoreBalance(ctx.transaction, params.storeId, body, requireUser(ctx.caller).userId, ctx.clock.now());
    },

    async listPlatformLedgerAccounts({ query }, ctx) {
      return getPlatformLedger(ctx.db, query.currency ?? DEFAULT_CURRENCY);
    },

    async adminListWithdrawals({ query }, ctx) {
      return listWithdrawals(ctx.db, query);
    },

    async approveWithdrawal({ params }, ctx) {
      const admin = requireUser(ctx.caller).userId;
      return toWithdrawal(await decideWithdrawal(ctx.transaction, params.withdrawalId, { to: 'approved' }, admin, ctx.clock.now()));
    },

    async markWithdrawalPaid({ params, body }, ctx) {
      const admin = requireUser(ctx.caller).userId;
      const decision = { to: 'paid' as const, payoutReference: body.payoutReference };
      return toWithdrawal(await decideWithdrawal(ctx.transaction, params.withdrawalId, decision, admin, ctx.clock.now()));
    },

    async rejectWithdrawal({ params, body }, ctx) {
      const admin = requireUser(ctx.caller).userId;
      const decision = { to: 'rejected' as const, reason: body.reason };
      return toWithdrawal(await decideWithdrawal(ctx.transaction, params.withdrawalId, decision, admin, ctx.clock.now()));
    },
  };
}
