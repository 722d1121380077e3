import { type HandlerContext, requireStore, requireUser, type StoreContext } from '@tokobapak/server';
import type { MerchantDatabase } from '../database.js';
import type { MerchantEvents } from '../generated/manifest.js';
import { acceptInvitation, inviteStaff, listInvitations, revokeInvitation } from '../invitations.js';
import { toInvitation, toMembership, toOwnershipTransfer } from '../mappers.js';
import type { MerchantSettings } from '../options.js';
import { changeStaffRole, listStaff, removeStaff, requireCurrentOwner, transferOwnership } from '../staff.js';
import type { MerchantHandlers } from './types.js';

/**
 * The store of an owner-only call, once the caller is confirmed to own it now (not only when their
 * token was issued: see `requireCurrentOwner`).
 */
async function ownerStore(ctx: HandlerContext<MerchantDatabase, MerchantEvents>): Promise<StoreContext> {
  const store = requireStore(ctx.caller);
  await requireCurrentOwner(ctx.db, store.storeId, store.userId);
  return store;
}

/** The current store's staff and invitations, accepting an invitation, and handing the store on. */
export function staffHandlers(
  settings: MerchantSettings,
): Pick<
  MerchantHandlers,
  'inviteStaff' | 'listInvitations' | 'revokeInvitation' | 'acceptInvitation' | 'listStaff' | 'removeStaff' | 'changeStaffRole' | 'transferStoreOwnership'
> {
  return {
    async inviteStaff({ body }, ctx) {
      const { storeId, userId } = await ownerStore(ctx);
      return toInvitation(await inviteStaff(ctx, settings, { storeId, userId }, body), ctx.clock.now());
    },

    async listInvitations({ query }, ctx) {
      const { storeId } = await ownerStore(ctx);
      return listInvitations(ctx.db, storeId, query, ctx.clock.now());
    },

    async revokeInvitation({ params }, ctx) {
      const { storeId } = await ownerStore(ctx);
      await revokeInvitation(ctx.db, storeId, params.invitationId, ctx.clock.now());
    },

    async acceptInvitation({ body }, ctx) {
      return toMembership(await acceptInvitation(ctx, requireUser(ctx.caller).userId, body.token));
    },

    async listStaff({ query }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return listStaff(ctx.db, storeId, query);
    },

    async removeStaff({ params }, ctx) {
      const { storeId } = await ownerStore(ctx);
      await removeStaff(ctx.transaction, storeId, params.userId);
    },

    async changeStaffRole({ params, body }, ctx) {
      const { storeId } = await ownerStore(ctx);
      return toMembership(await changeStaffRole(ctx.transaction, storeId, params.userId, body.role));
    },

    async transferStoreOwnership({ body }, ctx) {
      // The current owner is checked inside the transaction, under the store lock, not beforehand.
      const { storeId, userId } = requireStore(ctx.caller);
      const result = await transferOwnership(ctx.transaction, storeId, body.newOwnerUserId, { kind: 'owner', userId }, ctx.clock.now());
      return toOwnershipTransfer(result);
    },
  };
}
