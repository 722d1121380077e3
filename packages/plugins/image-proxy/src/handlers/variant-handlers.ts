import { Reply } from '@tokobapak/server';
import type { ImageResponse, VariantService } from '../variants.js';
import type { ImageProxyHandlers } from './types.js';

/** Serving originals and variants as bytes. */
export function variantHandlers(variants: VariantService): Pick<ImageProxyHandlers, 'getOriginal' | 'getVariant'> {
  return {
    async getOriginal({ params, headers }, ctx) {
      return toReply(await variants.original(ctx.db, params.imageId, headers['if-none-match']));
    },

    async getVariant({ params, query, headers }, ctx) {
      return toReply(
        await variants.variant(ctx.db, { imageId: params.imageId, variant: params.variant, query, ifNoneMatch: headers['if-none-match'] }, ctx.log),
      );
    },
  };
}

function toReply(response: ImageResponse): Reply {
  const headers = { etag: response.etag, 'cache-control': response.cacheControl };
  if (response.status === 304) return new Reply(304, undefined, headers);
  return new Reply(200, response.bytes, { ...headers, 'content-type': response.contentType });
}
