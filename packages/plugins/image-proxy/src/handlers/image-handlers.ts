import { isUploadedFile, platformErrors, requireStore } from '@tokobapak/server';
import { deleteImage, listStoreImages, requireImage, uploadImage } from '../images.js';
import { toImage } from '../mappers.js';
import type { ImageProxySettings } from '../options.js';
import type { RenderBudget } from '../render-budget.js';
import type { VariantCache } from '../variant-cache.js';
import type { ImageProxyHandlers } from './types.js';

/** Uploading, listing, reading and deleting a store's images. */
export function imageHandlers(
  settings: ImageProxySettings,
  cache: VariantCache,
  budget: RenderBudget,
): Pick<ImageProxyHandlers, 'listStoreImages' | 'uploadImage' | 'getImage' | 'deleteImage'> {
  return {
    async listStoreImages({ query }, ctx) {
      const page = await listStoreImages(ctx.db, requireStore(ctx.caller).storeId, query);
      const baseUrl = settings.publicBaseUrl ?? ctx.publicUrl;
      return { items: page.items.map((row) => toImage(row, baseUrl)), nextCursor: page.nextCursor };
    },

    async uploadImage({ body }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      const file = body.file;
      if (!isUploadedFile(file)) {
        throw platformErrors.VALIDATION_FAILED({ detail: 'One or more fields are not valid', errors: [{ pointer: '#/file', message: 'must be a file' }] });
      }
      return toImage(await uploadImage(ctx, settings, budget, storeId, file), settings.publicBaseUrl ?? ctx.publicUrl);
    },

    async getImage({ params }, ctx) {
      return toImage(await requireImage(ctx.db, params.imageId), settings.publicBaseUrl ?? ctx.publicUrl);
    },

    async deleteImage({ params }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      await deleteImage(ctx, settings, storeId, params.imageId);
      // Other processes keep theirs until evicted, but never serve them: every variant request reads the image's row first.
      cache.deleteImage(params.imageId);
    },
  };
}
