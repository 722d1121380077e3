import { eventTypes } from '@tokobapak/sdk';
import { expectProblemResponse, storeToken } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVariant, signVariantUrl, type VariantQuery } from '../src/index.js';
import { createVariantCache, VARIANT_CACHE_ENTRY_OVERHEAD } from '../src/variant-cache.js';
import { resolveVariantQuery } from '../src/variant-params.js';
import { colouredPng, type ImageProxyTestServer, isGrey, pixels, SIGNING_KEY, STORE_A, startImageProxy, uploadOk } from './support.js';

const variantReads = (t: ImageProxyTestServer, from: number) => t.blobReads().slice(from);

describe('the in-process variant cache, through HTTP', () => {
  let t: ImageProxyTestServer;
  beforeAll(async () => {
    t = await startImageProxy();
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.server.app.inject({ method: 'GET', url, headers });
  const card = (imageId: string) => get(`/image-proxy/images/${imageId}/variants/card`);
  const stock = (type: string, productId: string, imageIds: string[]) =>
    t.publish({ type, subject: productId, data: { productId, storeId: STORE_A, imageIds } } as never);

  it('serves a variant from memory after its first render, without reading the blob store again', async () => {
    const imageId = await uploadOk(t.server);
    const start = t.blobReads().length;
    const first = await card(imageId);
    expect(first.statusCode).toBe(200);
    // The first request looks for the stored variant, then reads the original to render it.
    expect(variantReads(t, start)).toEqual([expect.stringMatching(new RegExp(`^variants/${imageId}/[0-9a-f]{32}\\.webp$`)), `originals/${imageId}`]);

    const mark = t.blobReads().length;
    for (let i = 0; i < 5; i++) {
      const again = await card(imageId);
      expect(again.statusCode).toBe(200);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers['content-type']).toBe('image/webp');
      expect(again.headers['cache-control']).toBe('public, max-age=3600');
      expect(Buffer.compare(again.rawPayload, first.rawPayload)).toBe(0);
    }
    expect(variantReads(t, mark)).toEqual([]);
  });

  it('turns a product’s images grey as soon as it sells out, although the colour variant is in memory', async () => {
    const imageId = await uploadOk(t.server);
    const colour = await card(imageId);
    await card(imageId);
    const mark = t.blobReads().length;
    expect((await card(imageId)).headers.etag).toBe(colour.headers.etag);
    expect(variantReads(t, mark)).toEqual([]);

    await stock(eventTypes.inventory.productSoldOut, 'prd_cache_1', [imageId]);
    const grey = await card(imageId);
    expect(grey.statusCode).toBe(200);
    expect(grey.headers.etag).not.toBe(colour.headers.etag);
    const greyPixels = await pixels(grey.rawPayload);
    expect(isGrey(greyPixels.data, greyPixels.info.channels)).toBe(true);
    // A client holding the colour ETag gets the grey bytes, not 304.
    expect((await get(`/image-proxy/images/${imageId}/variants/card`, { 'if-none-match': String(colour.headers.etag) })).statusCode).toBe(200);

    await stock(eventTypes.inventory.productBackInStock, 'prd_cache_1', [imageId]);
    const back = await card(imageId);
    expect(back.headers.etag).toBe(colour.headers.etag);
    expect(Buffer.compare(back.rawPayload, colour.rawPayload)).toBe(0);
    // Colour and grey are both in memory now: switching back and forth reads nothing.
    const after = t.blobReads().length;
    await stock(eventTypes.inventory.productSoldOut, 'prd_cache_1', [imageId]);
    expect((await card(imageId)).headers.etag).toBe(grey.headers.etag);
    expect(variantReads(t, after)).toEqual([]);
  });

  it('stops serving a deleted image at once, although its variants were in memory', async () => {
    const imageId = await uploadOk(t.server);
    const cached = await card(imageId);
    expect(cached.statusCode).toBe(200);
    const deleted = await t.server.app.inject({
      method: 'DELETE',
      url: `/image-proxy/images/${imageId}`,
      headers: { authorization: `Bearer ${storeToken(t.server, STORE_A)}` },
    });
    expect(deleted.statusCode).toBe(204);
    const mark = t.blobReads().length;
    expectProblemResponse(await card(imageId), 404, 'IMAGE_NOT_FOUND');
    expectProblemResponse(await get(`/image-proxy/images/${imageId}/variants/card`, { 'if-none-match': String(cached.headers.etag) }), 404, 'IMAGE_NOT_FOUND');
    expect(variantReads(t, mark)).toEqual([]);
  });
});

describe('the variant cache’s byte budget, through HTTP', () => {
  let t: ImageProxyTestServer;
  let imageId: string;
  const A: VariantQuery = { w: 100, h: 100 };
  const B: VariantQuery = { w: 110, h: 110 };
  const C: VariantQuery = { w: 120, h: 120 };
  const LARGE: VariantQuery = { w: 400, h: 300, format: 'png' };
  const sizes = new Map<VariantQuery, number>();

  beforeAll(async () => {
    // Rendering is deterministic, so the sizes the server will produce are known in advance.
    const original = await colouredPng();
    for (const query of [A, B, C, LARGE]) sizes.set(query, (await renderVariant(original, resolveVariantQuery(query))).bytes.length);
    const size = (query: VariantQuery) => sizes.get(query) as number;
    const largestSmall = Math.max(size(A), size(B), size(C));
    expect(size(LARGE)).toBeGreaterThan(largestSmall);
    t = await startImageProxy({
      // Room for any two of A, B and C, never for all three.
      variantCacheBytes: size(A) + size(B) + size(C) + 3 * VARIANT_CACHE_ENTRY_OVERHEAD - 1,
      variantCacheMaxEntryBytes: largestSmall,
    });
    imageId = await uploadOk(t.server, original);
  });
  afterAll(async () => {
    await t?.close();
  });

  const fetchVariant = async (query: VariantQuery) => {
    const response = await t.server.app.inject({ method: 'GET', url: signVariantUrl({ imageId, params: query, signingKey: SIGNING_KEY }) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.rawPayload.length).toBe(sizes.get(query));
    return response;
  };
  /** Requests `query` and tells whether the blob store was read for it. */
  const readsStorage = async (query: VariantQuery) => {
    const mark = t.blobReads().length;
    await fetchVariant(query);
    return variantReads(t, mark).length > 0;
  };

  it('evicts the least recently used variant once the budget is spent', async () => {
    for (const query of [A, B, C]) await fetchVariant(query);
    const rendered = t.renders();
    expect(rendered).toBe(3);
    // C pushed A out; B and C are still in memory.
    expect(await readsStorage(B)).toBe(false);
    expect(await readsStorage(C)).toBe(false);
    // A comes back from storage (not a new render) and pushes out B, now the least recently used.
    expect(await readsStorage(A)).toBe(true);
    expect(t.renders()).toBe(rendered);
    expect(await readsStorage(A)).toBe(false);
    expect(await readsStorage(C)).toBe(false);
    expect(await readsStorage(B)).toBe(true);
  });

  it('never keeps a variant larger than the entry limit', async () => {
    await fetchVariant(LARGE);
    expect(await readsStorage(LARGE)).toBe(true);
    expect(await readsStorage(LARGE)).toBe(true);
  });
});

describe('createVariantCache', () => {
  const variant = (size: number, etag = '"e"') => ({ bytes: Buffer.alloc(size), contentType: 'image/webp', etag });

  it('keeps its bytes (with the per-entry overhead) within the budget', () => {
    const budget = 10_000;
    const cache = createVariantCache(budget, 4_000);
    for (let i = 0; i < 50; i++) {
      cache.set(`variants/img_a/${i}.webp`, variant(500 + i * 70));
      expect(cache.stats().bytes).toBeLessThanOrEqual(budget);
    }
    expect(cache.stats().entries).toBeGreaterThan(1);
    cache.set('variants/img_a/big.webp', variant(4_001));
    expect(cache.get('variants/img_a/big.webp', '"e"')).toBeUndefined();
  });

  it('misses, and forgets the entry, when the ETag differs (another original behind the same key)', () => {
    const cache = createVariantCache(10_000, 4_000);
    cache.set('variants/img_a/1.webp', variant(100, '"old"'));
    expect(cache.get('variants/img_a/1.webp', '"new"')).toBeUndefined();
    expect(cache.get('variants/img_a/1.webp', '"old"')).toBeUndefined();
  });

  it('drops every variant of a deleted image and nothing else', () => {
    const cache = createVariantCache(10_000, 4_000);
    cache.set('variants/img_a/1.webp', variant(100));
    cache.set('variants/img_a/2.avif', variant(100));
    cache.set('variants/img_ab/1.webp', variant(100));
    cache.deleteImage('img_a');
    expect(cache.get('variants/img_a/1.webp', '"e"')).toBeUndefined();
    expect(cache.get('variants/img_a/2.avif', '"e"')).toBeUndefined();
    expect(cache.get('variants/img_ab/1.webp', '"e"')).toBeDefined();
    expect(cache.stats().entries).toBe(1);
  });

  it('keeps nothing when its budget is 0', () => {
    const cache = createVariantCache(0, 4_000);
    cache.set('variants/img_a/1.webp', variant(100));
    expect(cache.get('variants/img_a/1.webp', '"e"')).toBeUndefined();
  });
});
