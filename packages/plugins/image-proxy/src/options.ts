import { availableParallelism } from 'node:os';
import { type BlobStore, createLocalBlobStore, createMemoryBlobStore } from './blob-store.js';
import { createSharpRenderer, type VariantRenderer } from './renderer.js';

/** Settings of the image-proxy service (the `image-proxy` key of `tokobapak.config.mjs`). */
export interface ImageProxyPluginOptions {
  /** Where originals and variants are kept; wins over `blobDir`. */
  blobStore?: BlobStore;
  /**
   * A folder for a local blob store (the CLI passes `<dataDir>/../blobs`). Without this and
   * without `blobStore`, blobs are kept in memory and lost when the process ends.
   */
  blobDir?: string;
  /**
   * The key custom variant URLs are signed with. Give it (from a secret store) when other
   * processes sign URLs with `signVariantUrl`; when omitted, a random key is generated at first
   * start and kept in the service's `settings` table.
   */
  signingKey?: string;
  /** Largest accepted upload in bytes; default 10 MiB (the spec's body limit allows no more). */
  maxUploadBytes?: number;
  /** Largest accepted width and height of an original in pixels; default 12000. */
  maxDimension?: number;
  /**
   * Largest accepted pixel area (width × height) of an original; default 50 million (8660×5773,
   * more than a 45-megapixel camera). Decoding memory grows with the area, not the file size: a
   * 12000×12000 progressive JPEG of 845 KB decodes to 432 MB.
   */
  maxPixels?: number;
  /**
   * How many original pixels this process decodes at once, across uploads and renders; default
   * `maxPixels` (one largest image at a time, several small ones side by side). Bounds the memory
   * that decoding takes.
   */
  renderPixelBudget?: number;
  /** How many images a store may keep; default 10000. Beyond it an upload is 409 `IMAGE_QUOTA_EXCEEDED`. */
  maxImagesPerStore?: number;
  /** How many bytes of originals a store may keep; default 2 GiB. Beyond it an upload is 409 `IMAGE_QUOTA_EXCEEDED`. */
  maxBytesPerStore?: number;
  /**
   * How long caches may keep a variant that follows the product's sold-out state (all but
   * `grey=1` ones), in seconds; default 3600. Revalidation by ETag is cheap (304).
   */
  variantMaxAgeSeconds?: number;
  /** Base of the URLs in `Image` responses (a CDN in front of this service); default the server's public URL. */
  publicBaseUrl?: string;
  /** Renders a variant; default sharp ({@link createSharpRenderer}). Tests inject a counting one. */
  renderer?: VariantRenderer;
  /**
   * Memory budget in bytes of the in-process cache of rendered variants; default 32 MiB. Each
   * entry counts as its bytes plus a fixed 256 bytes of bookkeeping. `0` turns the cache off.
   */
  variantCacheBytes?: number;
  /** Largest variant, in bytes, that the in-process cache keeps; default 256 KiB. Larger ones are read from the blob store each time. */
  variantCacheMaxEntryBytes?: number;
  /** How many variants this process renders at once; default the number of cores (`os.availableParallelism()`). */
  renderConcurrency?: number;
  /**
   * How many further renders may wait for a free slot; default 64. A request that would be one too
   * many is answered 503 `IMAGE_RENDER_QUEUE_FULL` with `Retry-After`. `0` allows no waiting.
   */
  renderQueueLimit?: number;
}

/** Options with their defaults applied. */
export interface ImageProxySettings {
  blobs: BlobStore;
  /** True when blobs live in memory only (logged at start). */
  ephemeralBlobs: boolean;
  signingKey: string | undefined;
  maxUploadBytes: number;
  maxDimension: number;
  maxPixels: number;
  renderPixelBudget: number;
  maxImagesPerStore: number;
  maxBytesPerStore: number;
  variantMaxAgeSeconds: number;
  publicBaseUrl: string | undefined;
  renderer: VariantRenderer;
  variantCacheBytes: number;
  variantCacheMaxEntryBytes: number;
  renderConcurrency: number;
  renderQueueLimit: number;
}

const TEN_MIB = 10 * 1024 * 1024;
const DEFAULT_MAX_PIXELS = 50_000_000;
const DEFAULT_MAX_BYTES_PER_STORE = 2 * 1024 * 1024 * 1024;
const DEFAULT_VARIANT_CACHE_BYTES = 32 * 1024 * 1024;
const DEFAULT_VARIANT_CACHE_MAX_ENTRY_BYTES = 256 * 1024;
// Generous on purpose: a page of product cards whose presets were never rendered asks for dozens at once.
const DEFAULT_RENDER_QUEUE_LIMIT = 64;

/** Applies defaults to the plugin options. */
export function resolveSettings(options: ImageProxyPluginOptions): ImageProxySettings {
  const positive = (name: string, value: number, max = Number.POSITIVE_INFINITY): number => {
    if (!Number.isInteger(value) || value <= 0 || value > max) throw new Error(`image-proxy: ${name} must be a positive integer up to ${max}, got ${value}`);
    return value;
  };
  const nonNegative = (name: string, value: number): number => {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`image-proxy: ${name} must be a non-negative integer, got ${value}`);
    return value;
  };
  if (options.signingKey !== undefined && options.signingKey.length < 32) throw new Error('image-proxy: signingKey must be at least 32 characters');
  const maxPixels = positive('maxPixels', options.maxPixels ?? DEFAULT_MAX_PIXELS, Number.MAX_SAFE_INTEGER);
  const blobs = options.blobStore ?? (options.blobDir ? createLocalBlobStore(options.blobDir) : createMemoryBlobStore());
  return {
    blobs,
    ephemeralBlobs: !options.blobStore && !options.blobDir,
    signingKey: options.signingKey,
    maxUploadBytes: positive('maxUploadBytes', options.maxUploadBytes ?? TEN_MIB, TEN_MIB),
    maxDimension: positive('maxDimension', options.maxDimension ?? 12000),
    maxPixels,
    renderPixelBudget: positive('renderPixelBudget', options.renderPixelBudget ?? maxPixels),
    maxImagesPerStore: positive('maxImagesPerStore', options.maxImagesPerStore ?? 10_000),
    maxBytesPerStore: positive('maxBytesPerStore', options.maxBytesPerStore ?? DEFAULT_MAX_BYTES_PER_STORE, Number.MAX_SAFE_INTEGER),
    variantMaxAgeSeconds: positive('variantMaxAgeSeconds', options.variantMaxAgeSeconds ?? 3600),
    publicBaseUrl: options.publicBaseUrl?.replace(/\/+$/, ''),
    renderer: options.renderer ?? createSharpRenderer(maxPixels),
    variantCacheBytes: nonNegative('variantCacheBytes', options.variantCacheBytes ?? DEFAULT_VARIANT_CACHE_BYTES),
    variantCacheMaxEntryBytes: positive('variantCacheMaxEntryBytes', options.variantCacheMaxEntryBytes ?? DEFAULT_VARIANT_CACHE_MAX_ENTRY_BYTES),
    renderConcurrency: positive('renderConcurrency', options.renderConcurrency ?? availableParallelism()),
    renderQueueLimit: nonNegative('renderQueueLimit', options.renderQueueLimit ?? DEFAULT_RENDER_QUEUE_LIMIT),
  };
}
