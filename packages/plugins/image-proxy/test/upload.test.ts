import { expectProblemResponse, storeToken } from '@tokobapak/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colouredPng, type ImageProxyTestServer, multipart, STORE_A, startImageProxy, upload, uploadOk } from './support.js';

describe('uploadImage', () => {
  let t: ImageProxyTestServer;
  beforeAll(async () => {
    t = await startImageProxy();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores an image for the caller’s store and describes it', async () => {
    const png = await colouredPng(640, 480);
    const response = await upload(t.server, png);
    expect(response.statusCode, response.body).toBe(201);
    const image = response.json();
    expect(image).toMatchObject({ storeId: STORE_A, contentType: 'image/png', width: 640, height: 480, bytes: png.length });
    expect(image.id).toMatch(/^img_[0-9a-z]{26}$/);
    expect(image.url).toBe(`http://localhost/image-proxy/images/${image.id}/original`);
    expect(Object.keys(image.variantUrls).sort()).toEqual(['card', 'detail', 'og', 'thumb']);

    const fetched = await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${image.id}` });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(image);
  });

  it('judges the format by the bytes, not by the content type the client claims', async () => {
    const jpeg = await sharp(await colouredPng(100, 80))
      .jpeg()
      .toBuffer();
    const response = await upload(t.server, jpeg, STORE_A, 'photo.png', 'image/png');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ contentType: 'image/jpeg', width: 100, height: 80 });
  });

  it('accepts WebP, AVIF and GIF', async () => {
    const png = await colouredPng(64, 48);
    for (const [format, contentType] of [
      ['webp', 'image/webp'],
      ['avif', 'image/avif'],
      ['gif', 'image/gif'],
    ] as const) {
      const bytes = await sharp(png).toFormat(format).toBuffer();
      const response = await upload(t.server, bytes, STORE_A, `photo.${format}`, 'application/octet-stream');
      expect(response.statusCode, `${format}: ${response.body}`).toBe(201);
      expect(response.json().contentType).toBe(contentType);
    }
  });

  it('serves the original with a strong ETag, immutable, and answers 304 to If-None-Match', async () => {
    const png = await colouredPng(120, 90);
    const id = await uploadOk(t.server, png);
    const original = await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${id}/original` });
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('image/png');
    expect(original.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.compare(original.rawPayload, png)).toBe(0);
    const etag = String(original.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${id}/original`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('refuses a file over 10 MiB with IMAGE_TOO_LARGE, and a far larger body with PAYLOAD_TOO_LARGE', async () => {
    expectProblemResponse(await upload(t.server, Buffer.alloc(10 * 1024 * 1024 + 1, 1)), 413, 'IMAGE_TOO_LARGE');
    expectProblemResponse(await upload(t.server, Buffer.alloc(11 * 1024 * 1024, 1)), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses what is not an accepted image format with IMAGE_UNSUPPORTED_TYPE', async () => {
    const text = Buffer.from('this is not an image at all');
    expectProblemResponse(await upload(t.server, text, STORE_A, 'photo.png', 'image/png'), 415, 'IMAGE_UNSUPPORTED_TYPE');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expectProblemResponse(await upload(t.server, svg, STORE_A, 'logo.svg', 'image/svg+xml'), 415, 'IMAGE_UNSUPPORTED_TYPE');
    const tiff = await sharp(await colouredPng(20, 20))
      .tiff()
      .toBuffer();
    expectProblemResponse(await upload(t.server, tiff, STORE_A, 'scan.tiff', 'image/tiff'), 415, 'IMAGE_UNSUPPORTED_TYPE');
  });

  it('refuses an image wider or taller than 12000 pixels with IMAGE_DIMENSIONS_TOO_LARGE', async () => {
    const wide = await sharp({ create: { width: 12001, height: 2, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const response = await upload(t.server, wide);
    expectProblemResponse(response, 422, 'IMAGE_DIMENSIONS_TOO_LARGE');
    expect(response.json().detail).toContain('12001×2');
  });

  it('needs a file in the `file` field', async () => {
    const body = await multipart(await colouredPng(10, 10), 'photo.png', 'image/png', 'picture');
    const response = await t.server.app.inject({
      method: 'POST',
      url: '/image-proxy/images',
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${storeToken(t.server, STORE_A)}` },
    });
    expectProblemResponse(response, 400, 'VALIDATION_FAILED');
  });

  it('takes multipart/form-data only', async () => {
    const response = await t.server.app.inject({
      method: 'POST',
      url: '/image-proxy/images',
      payload: { file: { filename: 'a.png', contentType: 'image/png', bytes: 'iVBORw0KGgo=' } },
      headers: { authorization: `Bearer ${storeToken(t.server, STORE_A)}` },
    });
    expectProblemResponse(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('needs a store session or a store API key', async () => {
    const body = await multipart(await colouredPng(10, 10));
    expectProblemResponse(
      await t.server.app.inject({ method: 'POST', url: '/image-proxy/images', payload: body.payload, headers: body.headers }),
      401,
      'UNAUTHENTICATED',
    );
    const customer = t.server.tokens.signAccessToken({ userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w', role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
    const response = await t.server.app.inject({
      method: 'POST',
      url: '/image-proxy/images',
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${customer}` },
    });
    expect(response.statusCode).toBe(403);
  });

  it('answers IMAGE_NOT_FOUND for an unknown image', async () => {
    expectProblemResponse(await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/img_${'0'.repeat(26)}` }), 404, 'IMAGE_NOT_FOUND');
  });
});
