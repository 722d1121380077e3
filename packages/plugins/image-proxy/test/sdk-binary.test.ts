import { TokoBapakError } from '@tokobapak/sdk';
import { storeToken } from '@tokobapak/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colouredPng, type ImageProxyTestServer, STORE_A, startImageProxy } from './support.js';

/** Image bytes (`BinaryResult`) through the SDK, against a real image-proxy server. */
describe('image bytes through the SDK', () => {
  let t: ImageProxyTestServer;
  let imageId: string;
  let png: Buffer;
  beforeAll(async () => {
    t = await startImageProxy();
    png = await colouredPng(640, 480);
    const uploader = t.server.client({ accessToken: storeToken(t.server, STORE_A) });
    const image = await uploader.imageProxy.uploadImage({ body: { file: new File([new Uint8Array(png)], 'kopi.png', { type: 'image/png' }) } });
    imageId = image.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  // Variants and originals are public: an anonymous client reads them.
  const client = () => t.server.client();
  const bytesOf = async (blob: Blob) => Buffer.from(await blob.arrayBuffer());

  it('gets a preset variant as a WebP of the preset’s size', async () => {
    const thumb = await client().imageProxy.getVariant({ params: { imageId, variant: 'thumb' } });
    if (thumb.notModified) throw new Error('no If-None-Match was sent, so no 304 either');
    expect(thumb.status).toBe(200);
    expect(thumb.contentType).toBe('image/webp');
    expect(thumb.body.type).toBe('image/webp');
    expect(thumb.etag).toMatch(/^".+"$/);
    expect(thumb.headers.get('cache-control')).toContain('max-age');
    const bytes = await bytesOf(thumb.body);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 160, height: 160 });
  });

  it('gets another preset in its own format (og: a 1200×630 JPEG)', async () => {
    const og = await client().imageProxy.getVariant({ params: { imageId, variant: 'og' } });
    if (og.notModified) throw new Error('unexpected 304');
    expect(og.contentType).toBe('image/jpeg');
    expect(await sharp(await bytesOf(og.body)).metadata()).toMatchObject({ format: 'jpeg', width: 1200, height: 630 });
  });

  it('answers If-None-Match with the current ETag as { notModified: true }, and a stale one with the bytes', async () => {
    const first = await client().imageProxy.getVariant({ params: { imageId, variant: 'card' } });
    if (first.notModified || !first.etag) throw new Error('expected bytes with an ETag');
    const again = await client().imageProxy.getVariant({ params: { imageId, variant: 'card' }, headers: { 'if-none-match': first.etag } });
    expect(again).toMatchObject({ notModified: true, status: 304, etag: first.etag });
    const stale = await client().imageProxy.getVariant({ params: { imageId, variant: 'card' }, headers: { 'if-none-match': '"stale"' } });
    expect(stale.notModified).toBe(false);
    if (!stale.notModified) expect(Buffer.compare(await bytesOf(stale.body), await bytesOf(first.body))).toBe(0);
  });

  it('gets the original exactly as uploaded', async () => {
    const original = await client().imageProxy.getOriginal({ params: { imageId } });
    if (original.notModified) throw new Error('unexpected 304');
    expect(original.contentType).toBe('image/png');
    expect(Buffer.compare(await bytesOf(original.body), png)).toBe(0);
  });

  it('throws TokoBapakError with the problem for an unknown image', async () => {
    const unknown = `img_${'0'.repeat(26)}`;
    for (const call of [
      () => client().imageProxy.getVariant({ params: { imageId: unknown, variant: 'thumb' } }),
      () => client().imageProxy.getOriginal({ params: { imageId: unknown } }),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TokoBapakError);
      expect(error).toMatchObject({ status: 404, code: 'IMAGE_NOT_FOUND', problem: { status: 404, code: 'IMAGE_NOT_FOUND' } });
    }
  });

  it('throws TokoBapakError for an unsigned custom variant', async () => {
    const error = await client()
      .imageProxy.getVariant({ params: { imageId, variant: 'custom' }, query: { w: 100 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokoBapakError);
    expect(error).toMatchObject({ status: 403, code: 'IMAGE_SIGNATURE_INVALID', operation: 'imageProxy.getVariant' });
  });
});
