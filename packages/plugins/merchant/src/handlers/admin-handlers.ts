import { requireUser } from '@tokobapak/server';
import { toOwnershipTransfer, toStore } from '../mappers.js';
import { reinstateStore, suspendStore } from '../moderation.js';
import { getStoreMembership, transferOwnership } from '../staff.js';
import { listStores } from '../stores.js';
import type { MerchantHandlers } from './types.js';

/** Membership checks for the auth service, and store moderation for admins (the spec's security rules say who). */
export function adminHandlers(): Pick<
  MerchantHandlers,
  'getStoreMembership' | 'listStores' | 'suspendStore' | 'reinstateStore' | 'adminTransferStoreOwnership'
> {
  return {
    async getStoreMembership({ params }, ctx) {
      return getStoreMembership(ctx.db, params.storeId, params.userId);
    },

    async listStores({ query }, ctx) {
      return listStores(ctx.db, query);
    },

    async suspendStore({ params, body }, ctx) {
      return toStore(await suspendStore(ctx.transaction, params.storeId, body.reason, ctx.clock.now()));
    },

    async reinstateStore({ params }, ctx) {
      return toStore(await reinstateStore(ctx.transaction, params.storeId, ctx.clock.now()));
    },

    async adminTransferStoreOwnership({ params, body }, ctx) {
      const actor = { kind: 'admin' as const, userId: requireUser(ctx.caller).userId, reason: body.reason };
      return toOwnershipTransfer(await transferOwnership(ctx.transaction, params.storeId, body.newOwnerUserId, actor, ctx.clock.now()));
    },
  };
}
