import { toPromotion } from '../mappers.js';
import { createPromotion, deletePromotion, listPromotions, updatePromotion } from '../promotions.js';
import { callerStoreOwner, platformOwner } from '../slots.js';
import type { PromotedItemHandlers } from './types.js';

/** Platform promoted products (admins) and the caller's store's (its managers). */
export function promotionHandlers(): Pick<
  PromotedItemHandlers,
  | 'listPlatformPromotions'
  | 'createPlatformPromotion'
  | 'updatePlatformPromotion'
  | 'deletePlatformPromotion'
  | 'listStorePromotions'
  | 'createStorePromotion'
  | 'updateStorePromotion'
  | 'deleteStorePromotion'
> {
  return {
    async listPlatformPromotions({ query }, ctx) {
      return listPromotions(ctx.db, platformOwner(ctx.caller), query);
    },

    async createPlatformPromotion({ body }, ctx) {
      return toPromotion(await createPromotion(ctx.transaction, platformOwner(ctx.caller), body, ctx.clock.now()));
    },

    async updatePlatformPromotion({ params, body }, ctx) {
      return toPromotion(await updatePromotion(ctx.transaction, platformOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },

    async deletePlatformPromotion({ params }, ctx) {
      await deletePromotion(ctx.transaction, platformOwner(ctx.caller), params.promotionId);
    },

    async listStorePromotions({ query }, ctx) {
      return listPromotions(ctx.db, callerStoreOwner(ctx.caller), query);
    },

    async createStorePromotion({ body }, ctx) {
      return toPromotion(await createPromotion(ctx.transaction, callerStoreOwner(ctx.caller), body, ctx.clock.now()));
    },

    async updateStorePromotion({ params, body }, ctx) {
      return toPromotion(await updatePromotion(ctx.transaction, callerStoreOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },

    async deleteStorePromotion({ params }, ctx) {
      await deletePromotion(ctx.transaction, callerStoreOwner(ctx.caller), params.promotionId);
    },
  };
}
