import { requireStore, requireUser } from '@tokobapak/server';
import { acceptInvitation, inviteStaff, listInvitations, revokeInvitation } from '../invitations.js';
import { toInvitation, toMembership } from '../mappers.js';
import type { MerchantSettings } from '../options.js';
import { changeStaffRole, listStaff, removeStaff } from '../staff.js';
import type { MerchantHandlers } from './types.js';

/** The current store's staff and invitations, and accepting an invitation. */
export function staffHandlers(
  settings: MerchantSettings,
): Pick<MerchantHandlers, 'inviteStaff' | 'listInvitations' | 'revokeInvitation' | 'acceptInvitation' | 'listStaff' | 'removeStaff' | 'changeStaffRole'> {
  return {
    async inviteStaff({ body }, ctx) {
      const { storeId, userId } = requireStore(ctx.caller);
      return toInvitation(await inviteStaff(ctx, settings, { storeId, userId }, body), ctx.clock.now());
    },

    async listInvitations({ query }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return listInvitations(ctx.db, storeId, query, ctx.clock.now());
    },

    async revokeInvitation({ params }, ctx) {
      const { storeId } = requireStore(ctx.caller);
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
      const { storeId } = requireStore(ctx.caller);
      await removeStaff(ctx.transaction, storeId, params.userId);
    },

    async changeStaffRole({ params, body }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return toMembership(await changeStaffRole(ctx.transaction, storeId, params.userId, body.role));
    },
  };
}
