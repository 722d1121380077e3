import { TokoBapakError } from '@tokobapak/sdk';
import { storeToken } from '@tokobapak/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colouredPng, type ImageProxyTestServer, STORE_A, startImageProxy } from './support.js';

describe('uploadImage through the SDK', () => {
  let t: ImageProxyTestServer;
  beforeAll(async () => {
    t = await startImageProxy();
  });
  afterAll(async () => {
    await t?.close();
  });

  const client = () => t.server.client({ accessToken: storeToken(t.server, STORE_A) });

  it('uploads a PNG as a File and serves a preset variant of it', async () => {
    const png = await colouredPng(640, 480);
    const image = await client().imageProxy.uploadImage({ body: { file: new File([new Uint8Array(png)], 'kopi.png', { type: 'image/png' }) } });
    expect(image).toMatchObject({ storeId: STORE_A, contentType: 'image/png', width: 640, height: 480, bytes: png.length });

    expect(await client().imageProxy.getImage({ params: { imageId: image.id } })).toEqual(image);
    const card = await t.server.app.inject({ method: 'GET', url: new URL(image.variantUrls.card).pathname });
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toBe('image/webp');
    expect(await sharp(card.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 480, height: 480 });
  });

  it('uploads raw bytes (a Buffer) as a file part', async () => {
    const png = await colouredPng(64, 48);
    const image = await client().imageProxy.uploadImage({ body: { file: png } });
    expect(image).toMatchObject({ contentType: 'image/png', width: 64, height: 48, bytes: png.length });
    const original = await t.server.app.inject({ method: 'GET', url: new URL(image.url).pathname });
    expect(Buffer.compare(original.rawPayload, png)).toBe(0);
  });

  it('surfaces the service’s refusal as a TokoBapakError', async () => {
    const error = await client()
      .imageProxy.uploadImage({ body: { file: new Blob(['not an image'], { type: 'image/png' }) } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokoBapakError);
    expect(error).toMatchObject({ status: 415, code: 'IMAGE_UNSUPPORTED_TYPE', operation: 'imageProxy.uploadImage' });
  });

  it('is refused without a store session', async () => {
    const anonymous = t.server.client();
    const png = await colouredPng(16, 16);
    await expect(anonymous.imageProxy.uploadImage({ body: { file: new Blob([new Uint8Array(png)]) } })).rejects.toMatchObject({ status: 401 });
  });
});
