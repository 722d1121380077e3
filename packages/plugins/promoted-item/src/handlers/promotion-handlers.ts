import { toPromotion } from '../mappers.js';
import { createPromotion, deletePromotion, listPromotions, updatePromotion } from '../promotions.js';
import { checkPromotedProduct } from '../references.js';
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
      const owner = platformOwner(ctx.caller);
      // Outside the transaction: on PGlite a call to another service would wait for the one connection.
      const verify = () => checkPromotedProduct(ctx.clients, owner, body.productId);
      return toPromotion(await createPromotion(ctx.transaction, owner, body, ctx.clock.now(), verify));
    },

    async updatePlatformPromotion({ params, body }, ctx) {
      const owner = platformOwner(ctx.caller);
      if (body.productId !== undefined) await checkPromotedProduct(ctx.clients, owner, body.productId); // outside the transaction, as above
      return toPromotion(await updatePromotion(ctx.transaction, owner, params.promotionId, body, ctx.clock.now()));
    },

    async deletePlatformPromotion({ params }, ctx) {
      await deletePromotion(ctx.transaction, platformOwner(ctx.caller), params.promotionId);
    },

    async listStorePromotions({ query }, ctx) {
      return listPromotions(ctx.db, callerStoreOwner(ctx.caller), query);
    },

    async createStorePromotion({ body }, ctx) {
      const owner = callerStoreOwner(ctx.caller);
      // Outside the transaction: on PGlite a call to another service would wait for the one connection.
      const verify = () => checkPromotedProduct(ctx.clients, owner, body.productId);
      return toPromotion(await createPromotion(ctx.transaction, owner, body, ctx.clock.now(), verify));
    },

    async updateStorePromotion({ params, body }, ctx) {
      const owner = callerStoreOwner(ctx.caller);
      if (body.productId !== undefined) await checkPromotedProduct(ctx.clients, owner, body.productId); // outside the transaction, as above
      return toPromotion(await updatePromotion(ctx.transaction, owner, params.promotionId, body, ctx.clock.now()));
    },

    async deleteStorePromotion({ params }, ctx) {
      await deletePromotion(ctx.transaction, callerStoreOwner(ctx.caller), params.promotionId);
    },
  };
}
