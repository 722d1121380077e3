import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Blob } from './blob-store.js';
import type { ImageProxyDatabase } from './database.js';
import { imageProxyErrors } from './errors.js';
import { requireImage } from './images.js';
import type { ImageRow } from './mappers.js';
import type { ImageProxySettings } from './options.js';
import { verifyVariantSignature } from './signing.js';
import { canonicalVariantString, PRESETS, type PresetName, resolveVariantQuery, type VariantParams, type VariantQuery } from './variant-params.js';

/** What to send for an image request: the bytes, or "not modified". */
export type ImageResponse =
  | { status: 200; bytes: Buffer; contentType: string; etag: string; cacheControl: string }
  | { status: 304; etag: string; cacheControl: string };

/** A request for a variant: a preset name or `custom`, with the query as validated. */
export interface VariantRequest {
  imageId: string;
  variant: PresetName | 'custom';
  query: VariantQuery & { sig?: string };
  ifNoneMatch: string | undefined;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves originals and variants. A variant's blob key and ETag are derived from its parameters, so
 * a repeated request needs no rendering, and a matching `If-None-Match` needs no storage read.
 * Concurrent first requests for one variant share one render (per process).
 */
export function createVariantService(settings: ImageProxySettings, signingKey: () => string) {
  const rendering = new Map<string, Promise<Blob>>();

  const render = (image: ImageRow, key: string, params: VariantParams, db: Kysely<ImageProxyDatabase>): Promise<Blob> => {
    let pending = rendering.get(key);
    if (!pending) {
      pending = (async () => {
        const original = await settings.blobs.get(image.blob_key);
        if (!original) throw imageProxyErrors.IMAGE_NOT_FOUND('The original of this image is missing from storage');
        const output = await settings.renderer(original.bytes, params);
        const { etag } = await settings.blobs.put(key, output.bytes, output.contentType);
        await db
          .insertInto('variants')
          .values({ image_id: image.id, blob_key: key })
          .onConflict((conflict) => conflict.columns(['image_id', 'blob_key']).doNothing())
          .execute();
        return { bytes: output.bytes, contentType: output.contentType, etag };
      })().finally(() => rendering.delete(key));
      rendering.set(key, pending);
    }
    return pending;
  };

  return {
    /** The variant asked for, rendered and stored on first use. */
    async variant(db: Kysely<ImageProxyDatabase>, request: VariantRequest): Promise<ImageResponse> {
      const asked = askedParams(request, signingKey());
      const image = await requireImage(db, request.imageId);
      const soldOut = await isSoldOut(db, image);
      const params = { ...asked, grey: asked.grey || soldOut };
      const digest = sha256(canonicalVariantString(image.id, params)).slice(0, 32);
      const key = `variants/${image.id}/${digest}.${params.format}`;
      const etag = `"${sha256(`${key}:${image.etag}`).slice(0, 32)}"`;
      // Only a variant that is grey by request never changes; any other may turn grey (or back) with the stock.
      const cacheControl = asked.grey ? IMMUTABLE : `public, max-age=${settings.variantMaxAgeSeconds}`;
      if (matches(request.ifNoneMatch, etag)) return { status: 304, etag, cacheControl };
      const blob = (await settings.blobs.get(key)) ?? (await render(image, key, params, db));
      return { status: 200, bytes: blob.bytes, contentType: blob.contentType, etag, cacheControl };
    },

    /** The original as uploaded. */
    async original(db: Kysely<ImageProxyDatabase>, imageId: string, ifNoneMatch: string | undefined): Promise<ImageResponse> {
      const image = await requireImage(db, imageId);
      const etag = `"${sha256(`${image.blob_key}:${image.etag}`).slice(0, 32)}"`;
      if (matches(ifNoneMatch, etag)) return { status: 304, etag, cacheControl: IMMUTABLE };
      const blob = await settings.blobs.get(image.blob_key);
      if (!blob) throw imageProxyErrors.IMAGE_NOT_FOUND('The original of this image is missing from storage');
      return { status: 200, bytes: blob.bytes, contentType: image.content_type, etag, cacheControl: IMMUTABLE };
    },
  };
}

/** The service {@link createVariantService} builds. */
export type VariantService = ReturnType<typeof createVariantService>;

/** A preset's parameters, or a custom variant's once its signature checks out. */
function askedParams(request: VariantRequest, signingKey: string): VariantParams {
  const { sig, ...query } = request.query;
  const given = Object.values(query).some((value) => value !== undefined);
  if (request.variant !== 'custom') {
    if (given || sig !== undefined) throw imageProxyErrors.IMAGE_VARIANT_INVALID(`The preset ${request.variant} takes no query parameters`);
    return PRESETS[request.variant];
  }
  if (query.w === undefined && query.h === undefined) throw imageProxyErrors.IMAGE_VARIANT_INVALID('A custom variant needs w, h or both');
  const params = resolveVariantQuery(query);
  if (!verifyVariantSignature(signingKey, request.imageId, params, sig)) throw imageProxyErrors.IMAGE_SIGNATURE_INVALID();
  return params;
}

/** Whether inventory reported one of the image's store's products using it as sold out. */
async function isSoldOut(db: Kysely<ImageProxyDatabase>, image: ImageRow): Promise<boolean> {
  const row = await db
    .selectFrom('sold_out_images')
    .select('image_id')
    .where('image_id', '=', image.id)
    .where('store_id', '=', image.store_id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** `If-None-Match` semantics for GET: weak comparison, a list, or `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
