import { LRUCache } from 'lru-cache';

/** A rendered variant as the cache keeps it: what a 200 response needs. */
export interface CachedVariant {
  bytes: Buffer;
  contentType: string;
  /** The response ETag (quoted), derived from the blob key and the original's etag. */
  etag: string;
}

/** What each entry costs beyond its bytes (key, object, list links), counted against the budget. */
export const VARIANT_CACHE_ENTRY_OVERHEAD = 256;

/**
 * The in-process LRU of rendered variants, bounded by bytes. A hit saves the blob store read (two
 * file reads for the local store, a request for S3); the database lookup of the image and its
 * sold-out state still runs on every request, so a deleted image or a product that sold out is
 * never answered from here.
 */
export interface VariantCache {
  /** The variant under `blobKey`, if cached with this ETag; an entry with another ETag is dropped. */
  get(blobKey: string, etag: string): CachedVariant | undefined;
  /** Keeps a variant unless it is larger than the entry limit (or the cache is off). */
  set(blobKey: string, variant: CachedVariant): void;
  /** Drops every cached variant of an image (its keys are `variants/<imageId>/…`). */
  deleteImage(imageId: string): void;
  /** Entries and bytes counted against the budget (bytes include the per-entry overhead). */
  stats(): { entries: number; bytes: number; maxBytes: number };
}

/**
 * A {@link VariantCache} holding at most `maxBytes` (entries + {@link VARIANT_CACHE_ENTRY_OVERHEAD}
 * each) and only variants of at most `maxEntryBytes`; `maxBytes = 0` gives a cache that keeps nothing.
 */
export function createVariantCache(maxBytes: number, maxEntryBytes: number): VariantCache {
  if (maxBytes === 0) {
    return { get: () => undefined, set: () => undefined, deleteImage: () => undefined, stats: () => ({ entries: 0, bytes: 0, maxBytes: 0 }) };
  }
  const lru = new LRUCache<string, CachedVariant>({
    maxSize: maxBytes,
    maxEntrySize: Math.min(maxBytes, maxEntryBytes + VARIANT_CACHE_ENTRY_OVERHEAD),
    sizeCalculation: (variant) => variant.bytes.byteLength + VARIANT_CACHE_ENTRY_OVERHEAD,
  });
  return {
    get(blobKey, etag) {
      const hit = lru.get(blobKey);
      if (hit === undefined || hit.etag === etag) return hit;
      // Same blob key, other ETag: the original behind the key is not the one this entry was made from.
      lru.delete(blobKey);
      return undefined;
    },
    set(blobKey, variant) {
      if (variant.bytes.byteLength > maxEntryBytes) return;
      lru.set(blobKey, variant);
    },
    deleteImage(imageId) {
      const prefix = `variants/${imageId}/`;
      // Rare (an image deletion), so a scan of the keys is fine; collected first so the walk is not disturbed.
      const doomed = [...lru.keys()].filter((key) => key.startsWith(prefix));
      for (const key of doomed) lru.delete(key);
    },
    stats: () => ({ entries: lru.size, bytes: lru.calculatedSize, maxBytes }),
  };
}
