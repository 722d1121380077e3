import { createBanner, deleteBanner, listBanners, updateBanner } from '../banners.js';
import { toBanner } from '../mappers.js';
import { callerStoreOwner, platformOwner } from '../slots.js';
import type { PromotedItemHandlers } from './types.js';

/** Platform banners (admins) and the caller's store's banners (its managers). */
export function bannerHandlers(): Pick<
  PromotedItemHandlers,
  | 'listPlatformBanners'
  | 'createPlatformBanner'
  | 'updatePlatformBanner'
  | 'deletePlatformBanner'
  | 'listStoreBanners'
  | 'createStoreBanner'
  | 'updateStoreBanner'
  | 'deleteStoreBanner'
> {
  return {
    async listPlatformBanners({ query }, ctx) {
      return listBanners(ctx.db, platformOwner(ctx.caller), query);
    },

    async createPlatformBanner({ body }, ctx) {
      return toBanner(await createBanner(ctx.transaction, platformOwner(ctx.caller), body, ctx.clock.now()));
    },

    async updatePlatformBanner({ params, body }, ctx) {
      return toBanner(await updateBanner(ctx.transaction, platformOwner(ctx.caller), params.bannerId, body, ctx.clock.now()));
    },

    async deletePlatformBanner({ params }, ctx) {
      await deleteBanner(ctx.transaction, platformOwner(ctx.caller), params.bannerId);
    },

    async listStoreBanners({ query }, ctx) {
      return listBanners(ctx.db, callerStoreOwner(ctx.caller), query);
    },

    async createStoreBanner({ body }, ctx) {
      return toBanner(await createBanner(ctx.transaction, callerStoreOwner(ctx.caller), body, ctx.clock.now()));
    },

    async updateStoreBanner({ params, body }, ctx) {
      return toBanner(await updateBanner(ctx.transaction, callerStoreOwner(ctx.caller), params.bannerId, body, ctx.clock.now()));
    },

    async deleteStoreBanner({ params }, ctx) {
      await deleteBanner(ctx.transaction, callerStoreOwner(ctx.caller), params.bannerId);
    },
  };
}
