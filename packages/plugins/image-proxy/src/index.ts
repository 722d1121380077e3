/** @tokobapak/plugin-image-proxy: image upload to blob storage, and variants rendered on demand, cached and signed. */
import type { ImageProxyOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { ImageProxyDatabase } from './database.js';
import { imageProxyErrors } from './errors.js';
import { trackSoldOutImages } from './events.js';
import { type ImageProxyEvents, manifest } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { imageHandlers } from './handlers/image-handlers.js';
import { variantHandlers } from './handlers/variant-handlers.js';
import { migrations } from './migrations/index.js';
import { type ImageProxyPluginOptions, resolveSettings } from './options.js';
import { createRenderBudget } from './render-budget.js';
import { configureSharp } from './renderer.js';
import { loadSigningKey } from './signing-key.js';
import { createVariantCache } from './variant-cache.js';
import { createVariantService } from './variants.js';

export { assertBlobKey, type Blob, type BlobStore, contentEtag, createLocalBlobStore, createMemoryBlobStore } from './blob-store.js';
export type { ImageProxyDatabase } from './database.js';
export { imageProxyErrors } from './errors.js';
export type { ImageProxyEvents } from './generated/manifest.js';
export type { ImageResource } from './mappers.js';
export type { ImageProxyPluginOptions } from './options.js';
export { AVIF_EFFORT, createSharpRenderer, type DetectedImage, detectImage, renderVariant, type VariantRenderer } from './renderer.js';
export { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { type SignVariantUrlInput, signVariantUrl, variantSignature } from './signing.js';
export {
  canonicalVariantString,
  type Fit,
  MAX_VARIANT_SIDE,
  PRESETS,
  type PresetName,
  type VariantFormat,
  type VariantParams,
  type VariantQuery,
} from './variant-params.js';

/**
 * The image-proxy service as a plugin. Give it a blob store (`blobDir` or `blobStore`) to keep
 * images across restarts, and a `signingKey` when other processes sign variant URLs.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), imageProxyPlugin({ blobDir: '.data/blobs' })] });
 */
export function imageProxyPlugin(options: ImageProxyPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  let signingKey = settings.signingKey;
  const cache = createVariantCache(settings.variantCacheBytes, settings.variantCacheMaxEntryBytes);
  const budget = createRenderBudget(settings.renderConcurrency, settings.renderQueueLimit, settings.renderPixelBudget);
  configureSharp();
  const variants = createVariantService(
    settings,
    () => {
      if (signingKey === undefined) throw new Error('image-proxy: the signing key is read at start-up; the plugin has not started');
      return signingKey;
    },
    cache,
    budget,
  );
  return definePlugin<ImageProxyOperations, ImageProxyDatabase, ImageProxyEvents>({
    name: 'image-proxy',
    summary: 'Image upload to blob storage; resized, re-encoded and greyscale variants rendered on demand and cached',
    spec,
    manifest,
    migrations,
    errors: imageProxyErrors,
    subscriptions: [trackSoldOutImages],
    handlers: {
      ...imageHandlers(settings, cache, budget),
      ...variantHandlers(variants),
    },
    async onStart(ctx) {
      signingKey ??= await loadSigningKey(ctx.db);
      if (settings.ephemeralBlobs) ctx.log.warn('image-proxy: no blobDir or blobStore configured; images are kept in memory and lost on restart');
    },
  });
}
