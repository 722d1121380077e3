import type { CandidateCache } from '../candidate-cache.js';
import { type PromotionRow, toPromotion } from '../mappers.js';
import { callerStoreOwner, platformOwner } from '../owners.js';
import { createPromotion, getPromotion, listPromotions, promotionStats, updatePromotion } from '../promotions.js';
import type { PromotionHandlers } from './types.js';

/**
 * Platform promotions (admins) and the caller's store's promotions (its managers; staff may read).
 * Each create and update, once committed, drops the candidates evaluation keeps, so that the next
 * cart read in this process sees the change.
 */
export function managementHandlers(
  candidates: CandidateCache,
): Pick<
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
  const changed = (db: object, row: PromotionRow) => {
    candidates.forget(db);
    return toPromotion(row);
  };
  return {
    async listPlatformDiscounts({ query }, ctx) {
      return listPromotions(ctx.db, platformOwner(ctx.caller), query);
    },
    async createPlatformDiscount({ body }, ctx) {
      return changed(ctx.db, await createPromotion(ctx.transaction, platformOwner(ctx.caller), body, ctx.clock.now()));
    },
    async getPlatformDiscount({ params }, ctx) {
      return toPromotion(await getPromotion(ctx.db, platformOwner(ctx.caller), params.promotionId));
    },
    async updatePlatformDiscount({ params, body }, ctx) {
      return changed(ctx.db, await updatePromotion(ctx.transaction, platformOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },
    async getPlatformDiscountStats({ params }, ctx) {
      return promotionStats(ctx.db, platformOwner(ctx.caller), params.promotionId);
    },

    async listStoreDiscounts({ query }, ctx) {
      return listPromotions(ctx.db, callerStoreOwner(ctx.caller), query);
    },
    async createStoreDiscount({ body }, ctx) {
      return changed(ctx.db, await createPromotion(ctx.transaction, callerStoreOwner(ctx.caller), body, ctx.clock.now()));
    },
    async getStoreDiscount({ params }, ctx) {
      return toPromotion(await getPromotion(ctx.db, callerStoreOwner(ctx.caller), params.promotionId));
    },
    async updateStoreDiscount({ params, body }, ctx) {
      return changed(ctx.db, await updatePromotion(ctx.transaction, callerStoreOwner(ctx.caller), params.promotionId, body, ctx.clock.now()));
    },
    async getStoreDiscountStats({ params }, ctx) {
      return promotionStats(ctx.db, callerStoreOwner(ctx.caller), params.promotionId);
    },
  };
}
