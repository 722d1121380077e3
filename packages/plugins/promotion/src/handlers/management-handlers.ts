import { toPromotion } from '../mappers.js';
import { callerStoreOwner, platformOwner } from '../owners.js';
import { createPromotion, getPromotion, listPromotions, promotionStats, updatePromotion } from '../promotions.js';
import type { PromotionHandlers } from './types.js';

/** Platform promotions (admins) and the caller's store's promotions (its managers; staff may read). */
export function managementHandlers(): Pick<
  PromotionHandlers,
  | 'listPlatformPromotions'
  | 'createPlatformPromotion'
  | 'getPlatformPromotion'
  | 'updatePlatformPromotion'
  | 'getPlatformPromotionStats'
  | 'listStorePromotions'
  | 'createStorePromotion'
  | 'getStorePromotion'
  | 'updateStorePromotion'
  | 'getStorePromotionStats'
> {
  return {
    async listPlatformPromotions({ query }, ctx) {
      return listPromotions(ctx.db, platformOwner(ctx.caller), query);
    },
    async createPlatformPromotion({ body }, ctx) {
      return toPromotion(await createPromotion(ctx.transaction, platformOwner(ctx.caller), body, ctx.clock.now()));
    },
    async getPlatformPromotion({ params }, ctx) {
      return toPromotion(await getPromotion(ctx.db, platformOwner(ctx.caller), params.promotionId));
    },
    async updatePlatformPromotion({ params, body }, ctx) {
      return toPromotion(await updatePromotion(ctx.transaction, platformOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },
    async getPlatformPromotionStats({ params }, ctx) {
      return promotionStats(ctx.db, platformOwner(ctx.caller), params.promotionId);
    },

    async listStorePromotions({ query }, ctx) {
      return listPromotions(ctx.db, callerStoreOwner(ctx.caller), query);
    },
    async createStorePromotion({ body }, ctx) {
      return toPromotion(await createPromotion(ctx.transaction, callerStoreOwner(ctx.caller), body, ctx.clock.now()));
    },
    async getStorePromotion({ params }, ctx) {
      return toPromotion(await getPromotion(ctx.db, callerStoreOwner(ctx.caller), params.promotionId));
    },
    async updateStorePromotion({ params, body }, ctx) {
      return toPromotion(await updatePromotion(ctx.transaction, callerStoreOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },
    async getStorePromotionStats({ params }, ctx) {
      return promotionStats(ctx.db, callerStoreOwner(ctx.caller), params.promotionId);
    },
  };
}
