import { toPromotion } from '../mappers.js';
import { callerStoreOwner, platformOwner } from '../owners.js';
import { createPromotion, getPromotion, listPromotions, promotionStats, updatePromotion } from '../promotions.js';
import type { PromotionHandlers } from './types.js';

/** Platform promotions (admins) and the caller's store's promotions (its managers; staff may read). */
export function managementHandlers(): Pick<
  PromotionHandlers,
  | 'listPlatformDiscounts'
  | 'createPlatformDiscount'
  | 'getPlatformDiscount'
  | 'updatePlatformDiscount'
  | 'getPlatformDiscountStats'
  | 'listStoreDiscounts'
  | 'createStoreDiscount'
  | 'getStoreDiscount'
  | 'updateStoreDiscount'
  | 'getStoreDiscountStats'
> {
  return {
    async listPlatformDiscounts({ query }, ctx) {
      return listPromotions(ctx.db, platformOwner(ctx.caller), query);
    },
    async createPlatformDiscount({ body }, ctx) {
      return toPromotion(await createPromotion(ctx.transaction, platformOwner(ctx.caller), body, ctx.clock.now()));
    },
    async getPlatformDiscount({ params }, ctx) {
      return toPromotion(await getPromotion(ctx.db, platformOwner(ctx.caller), params.promotionId));
    },
    async updatePlatformDiscount({ params, body }, ctx) {
      return toPromotion(await updatePromotion(ctx.transaction, platformOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },
    async getPlatformDiscountStats({ params }, ctx) {
      return promotionStats(ctx.db, platformOwner(ctx.caller), params.promotionId);
    },

    async listStoreDiscounts({ query }, ctx) {
      return listPromotions(ctx.db, callerStoreOwner(ctx.caller), query);
    },
    async createStoreDiscount({ body }, ctx) {
      return toPromotion(await createPromotion(ctx.transaction, callerStoreOwner(ctx.caller), body, ctx.clock.now()));
    },
    async getStoreDiscount({ params }, ctx) {
      return toPromotion(await getPromotion(ctx.db, callerStoreOwner(ctx.caller), params.promotionId));
    },
    async updateStoreDiscount({ params, body }, ctx) {
      return toPromotion(await updatePromotion(ctx.transaction, callerStoreOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },
    async getStoreDiscountStats({ params }, ctx) {
      return promotionStats(ctx.db, callerStoreOwner(ctx.caller), params.promotionId);
    },
  };
}
