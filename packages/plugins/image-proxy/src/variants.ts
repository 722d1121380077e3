import { createHash } from 'node:crypto';
import { type PluginContext, queryTemplate } from '@tokobapak/server';
import type { Kysely, SqlBool } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Blob } from './blob-store.js';
import type { ImageProxyDatabase } from './database.js';
import { imageProxyErrors } from './errors.js';
import { requireImage } from './images.js';
import type { ImageProxySettings } from './options.js';
import type { RenderBudget } from './render-budget.js';
import { verifyVariantSignature } from './signing.js';
import type { VariantCache } from './variant-cache.js';
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

type Log = PluginContext<unknown>['log'];

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The part of an image row a variant request needs, with the sold-out state read in the same statement. */
interface VariantSource {
  id: string;
  store_id: string;
  blob_key: string;
  etag: string;
  width: number;
  height: number;
  /** `exists (…)`: a boolean from PostgreSQL and PGlite (Kysely types it as boolean or 0/1 for other dialects). */
  sold_out: SqlBool;
}

/** A variant's blob key and response ETag. */
interface VariantIdentity {
  key: string;
  etag: string;
}

/**
 * Serves originals and variants. A variant's blob key and ETag are derived from its parameters, so
 * a repeated request needs no rendering, and a matching `If-None-Match` needs no storage read.
 * Small variants are kept in an in-process LRU ({@link VariantCache}), so a repeated request needs
 * no storage read either. Concurrent first requests for one variant share one render (per
 * process), and renders wait for a slot of the {@link RenderBudget}.
 */
export function createVariantService(settings: ImageProxySettings, signingKey: () => string, cache: VariantCache, budget: RenderBudget) {
  const rendering = new Map<string, Promise<Blob>>();
  // Originals whose decoding failed (stored before uploads were fully decoded, or damaged in
  // storage): their variants are refused at once instead of being decoded again on every request.
  // Keyed by id and etag, so a repaired original is tried again; forgotten after an hour.
  const unrenderable = new LRUCache<string, true>({ max: 10_000, ttl: UNRENDERABLE_MEMORY_MS });
  // The two SHA-256 of a variant's key and ETag depend only on its canonical string and the
  // original's etag, so they are computed once per (variant, original) and then looked up.
  const identities = new LRUCache<string, VariantIdentity>({ max: 10_000 });

  const identify = (image: VariantSource, params: VariantParams): VariantIdentity => {
    const canonical = canonicalVariantString(image.id, params);
    const memo = `${canonical}\n${image.etag}`;
    let identity = identities.get(memo);
    if (!identity) {
      // The key names the original by its image id (part of the canonical string), a fresh id per
      // upload whose original is never overwritten: no API replaces an original in place, so one key
      // always means one original. The key does not carry the original's etag, but the ETag does, and
      // the LRU serves an entry only when its ETag matches, so even an original swapped in storage
      // behind our back (with its row's etag updated) would never be answered from memory.
      const key = `variants/${image.id}/${sha256(canonical).slice(0, 32)}.${params.format}`;
      identity = { key, etag: `"${sha256(`${key}:${image.etag}`).slice(0, 32)}"` };
      identities.set(memo, identity);
    }
    return identity;
  };

  const render = (image: VariantSource, key: string, params: VariantParams, db: Kysely<ImageProxyDatabase>, log: Log): Promise<Blob> => {
    let pending = rendering.get(key);
    if (!pending) {
      // Joining a render already under way costs nothing, so only a new render asks the budget
      // (which throws IMAGE_RENDER_QUEUE_FULL at once when its queue is full).
      // Weighed by the original's pixel area: what decoding it costs in memory.
      const rendered = budget.run(async () => {
        // Read inside the slot, so only the renders that run hold an original in memory.
        const original = await settings.blobs.get(image.blob_key);
        if (!original) throw imageProxyErrors.IMAGE_NOT_FOUND('The original of this image is missing from storage');
        try {
          return await settings.renderer(original.bytes, params);
        } catch (error) {
          unrenderable.set(originalKey(image), true);
          log.warn({ err: error, imageId: image.id }, 'image-proxy: an original could not be decoded; its variants are refused from now on');
          throw unrenderableProblem();
        }
      }, image.width * image.height);
      pending = (async () => {
        const output = await rendered;
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
    async variant(db: Kysely<ImageProxyDatabase>, request: VariantRequest, log: Log): Promise<ImageResponse> {
      const asked = askedParams(request, signingKey());
      // Every request reads the row and the sold-out state (one statement), even when the bytes are
      // in memory: a deleted image is 404 and a product that sold out turns grey at once.
      const [image] = await variantSource.execute(db, { imageId: request.imageId });
      if (!image) throw imageProxyErrors.IMAGE_NOT_FOUND();
      const params = asked.grey || !image.sold_out ? asked : { ...asked, grey: true };
      const { key, etag } = identify(image, params);
      // Only a variant that is grey by request never changes; any other may turn grey (or back) with the stock.
      const cacheControl = asked.grey ? IMMUTABLE : `public, max-age=${settings.variantMaxAgeSeconds}`;
      if (matches(request.ifNoneMatch, etag)) return { status: 304, etag, cacheControl };
      const cached = cache.get(key, etag);
      if (cached) return { status: 200, bytes: cached.bytes, contentType: cached.contentType, etag, cacheControl };
      if (unrenderable.has(originalKey(image))) throw unrenderableProblem();
      const blob = (await settings.blobs.get(key)) ?? (await render(image, key, params, db, log));
      cache.set(key, { bytes: blob.bytes, contentType: blob.contentType, etag });
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

/** How long a failed decode is remembered (per process) before an original is tried again. */
export const UNRENDERABLE_MEMORY_MS = 60 * 60 * 1000;

function originalKey(image: VariantSource): string {
  return `${image.id}\n${image.etag}`;
}

function unrenderableProblem() {
  return imageProxyErrors.IMAGE_UNRENDERABLE('The original of this image cannot be decoded; upload it again');
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

/**
 * The image's row and whether inventory reported one of its store's products using it as sold out,
 * in one statement (the sold-out test is an `exists` on the `sold_out_images` primary key),
 * compiled once and, on PostgreSQL, a named prepared statement (`queryTemplate`).
 */
const variantSource = queryTemplate<ImageProxyDatabase, { imageId: string }, VariantSource>({
  name: 'image_variant_source',
  build: (db, p) =>
    db
      .selectFrom('images')
      .select(['images.id', 'images.store_id', 'images.blob_key', 'images.etag', 'images.width', 'images.height'])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('sold_out_images')
              .select('sold_out_images.image_id')
              .whereRef('sold_out_images.image_id', '=', 'images.id')
              .whereRef('sold_out_images.store_id', '=', 'images.store_id'),
          )
          .as('sold_out'),
      )
      .where('images.id', '=', p.imageId) as never,
});

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
