import { createBanner, deleteBanner, listBanners, updateBanner } from '../banners.js';
import { toBanner } from '../mappers.js';
import { checkBannerImage } from '../references.js';
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
      const owner = platformOwner(ctx.caller);
      // Outside the transaction: on PGlite a call to another service would wait for the one connection.
      const verify = () => checkBannerImage(ctx.clients, owner, body.imageId);
      return toBanner(await createBanner(ctx.transaction, owner, body, ctx.clock.now(), verify));
    },

    async updatePlatformBanner({ params, body }, ctx) {
      const owner = platformOwner(ctx.caller);
      if (body.imageId !== undefined) await checkBannerImage(ctx.clients, owner, body.imageId); // outside the transaction, as above
      return toBanner(await updateBanner(ctx.transaction, owner, params.bannerId, body, ctx.clock.now()));
    },

    async deletePlatformBanner({ params }, ctx) {
      await deleteBanner(ctx.transaction, platformOwner(ctx.caller), params.bannerId);
    },

    async listStoreBanners({ query }, ctx) {
      return listBanners(ctx.db, callerStoreOwner(ctx.caller), query);
    },

    async createStoreBanner({ body }, ctx) {
      const owner = callerStoreOwner(ctx.caller);
      // Outside the transaction: on PGlite a call to another service would wait for the one connection.
      const verify = () => checkBannerImage(ctx.clients, owner, body.imageId);
      return toBanner(await createBanner(ctx.transaction, owner, body, ctx.clock.now(), verify));
    },

    async updateStoreBanner({ params, body }, ctx) {
      const owner = callerStoreOwner(ctx.caller);
      if (body.imageId !== undefined) await checkBannerImage(ctx.clients, owner, body.imageId); // outside the transaction, as above
      return toBanner(await updateBanner(ctx.transaction, owner, params.bannerId, body, ctx.clock.now()));
    },

    async deleteStoreBanner({ params }, ctx) {
      await deleteBanner(ctx.transaction, callerStoreOwner(ctx.caller), params.bannerId);
    },
  };
}
