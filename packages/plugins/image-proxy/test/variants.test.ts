import { expectProblemResponse } from '@tokobapak/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVariantUrl } from '../src/index.js';
import { type ImageProxyTestServer, isGrey, pixels, SIGNING_KEY, startImageProxy, uploadOk } from './support.js';

describe('getVariant', () => {
  let t: ImageProxyTestServer;
  let imageId: string;
  beforeAll(async () => {
    t = await startImageProxy({ slowRenderMs: 100 });
    imageId = await uploadOk(t.server);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.server.app.inject({ method: 'GET', url, headers });
  const signed = (params: Parameters<typeof signVariantUrl>[0]['params'], id = imageId) => signVariantUrl({ imageId: id, params, signingKey: SIGNING_KEY });

  it('renders a preset at its size and format', async () => {
    const response = await get(`/image-proxy/images/${imageId}/variants/thumb`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/webp');
    const { info } = await pixels(response.rawPayload);
    expect([info.width, info.height]).toEqual([160, 160]);
  });

  it('renders a signed custom variant at exactly the asked size and format', async () => {
    const response = await get(signed({ w: 200, h: 100, fit: 'fill', format: 'png' }));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const { info } = await pixels(response.rawPayload);
    expect([info.width, info.height]).toEqual([200, 100]);
    const byWidth = await get(signed({ w: 400, format: 'jpeg' }));
    expect(byWidth.headers['content-type']).toBe('image/jpeg');
    const scaled = await pixels(byWidth.rawPayload);
    expect([scaled.info.width, scaled.info.height]).toEqual([400, 300]);
  });

  it('renders greyscale when asked: one channel in PNG, equal channels in WebP', async () => {
    const png = await get(signed({ w: 100, h: 100, format: 'png', grey: 1 }));
    expect(png.statusCode).toBe(200);
    expect(png.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await sharp(png.rawPayload).metadata()).channels).toBe(1);
    const webp = await get(signed({ w: 100, h: 100, grey: 1 }));
    const { data, info } = await pixels(webp.rawPayload);
    expect(isGrey(data, info.channels)).toBe(true);
    const colour = await get(signed({ w: 100, h: 100 }));
    const coloured = await pixels(colour.rawPayload);
    expect(isGrey(coloured.data, coloured.info.channels)).toBe(false);
  });

  it('refuses custom parameters without a valid signature', async () => {
    expectProblemResponse(await get(`/image-proxy/images/${imageId}/variants/custom?w=300`), 403, 'IMAGE_SIGNATURE_INVALID');
    const url = signed({ w: 300 });
    expectProblemResponse(await get(url.replace('w=300', 'w=301')), 403, 'IMAGE_SIGNATURE_INVALID');
    expectProblemResponse(await get(`${url}&grey=1`), 403, 'IMAGE_SIGNATURE_INVALID');
    const other = signVariantUrl({ imageId, params: { w: 300 }, signingKey: 'another-key-0123456789abcdefghijklmnopqrs' });
    expectProblemResponse(await get(other), 403, 'IMAGE_SIGNATURE_INVALID');
  });

  it('does not accept a signature made for another image', async () => {
    const otherImage = await uploadOk(t.server);
    const forOther = signed({ w: 120 }, otherImage);
    expect((await get(forOther)).statusCode).toBe(200);
    expectProblemResponse(await get(forOther.replace(otherImage, imageId)), 403, 'IMAGE_SIGNATURE_INVALID');
  });

  it('refuses sizes above 4000 even when signed, presets with parameters, and custom without a size', async () => {
    expectProblemResponse(await get(signed({ w: 4001 })), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await get(`/image-proxy/images/${imageId}/variants/card?w=100`), 400, 'IMAGE_VARIANT_INVALID');
    expectProblemResponse(await get(`/image-proxy/images/${imageId}/variants/custom?format=png`), 400, 'IMAGE_VARIANT_INVALID');
    expectProblemResponse(await get(`/image-proxy/images/${imageId}/variants/huge`), 400, 'VALIDATION_FAILED');
  });

  it('serves a variant from storage after its first render, with a stable strong ETag and 304', async () => {
    const url = signed({ w: 321, h: 123 });
    const before = t.renders();
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(t.renders()).toBe(before + 1);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=3600');

    const second = await get(url);
    expect(second.statusCode).toBe(200);
    expect(t.renders()).toBe(before + 1);
    expect(second.headers.etag).toBe(etag);
    expect(Buffer.compare(second.rawPayload, first.rawPayload)).toBe(0);

    const notModified = await get(url, { 'if-none-match': `W/"other", ${etag}` });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.rawPayload.length).toBe(0);
    expect((await get(url, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('renders a variant once however many ask for it at the same time', async () => {
    const url = signed({ w: 222, h: 111, format: 'avif' });
    const before = t.renders();
    const responses = await Promise.all(Array.from({ length: 6 }, () => get(url)));
    for (const response of responses) expect(response.statusCode).toBe(200);
    expect(t.renders()).toBe(before + 1);
    expect(new Set(responses.map((response) => response.headers.etag)).size).toBe(1);
  });

  it('answers IMAGE_NOT_FOUND for an unknown image', async () => {
    expectProblemResponse(await get(`/image-proxy/images/img_${'0'.repeat(26)}/variants/thumb`), 404, 'IMAGE_NOT_FOUND');
  });
});
