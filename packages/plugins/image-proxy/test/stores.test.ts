import { expectProblemResponse, storeToken } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBlobStore } from '../src/index.js';
import { type ImageProxyTestServer, STORE_A, STORE_B, startImageProxy, uploadOk } from './support.js';

describe('deleteImage and tenant isolation', () => {
  let t: ImageProxyTestServer;
  const blobs = createMemoryBlobStore();
  beforeAll(async () => {
    t = await startImageProxy({ blobStore: blobs });
  });
  afterAll(async () => {
    await t?.close();
  });

  const remove = (imageId: string, storeId: string) =>
    t.server.app.inject({ method: 'DELETE', url: `/image-proxy/images/${imageId}`, headers: { authorization: `Bearer ${storeToken(t.server, storeId)}` } });

  it('refuses to delete another store’s image as if it did not exist', async () => {
    const imageId = await uploadOk(t.server, undefined, STORE_A);
    expectProblemResponse(await remove(imageId, STORE_B), 404, 'IMAGE_NOT_FOUND');
    expect((await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${imageId}` })).statusCode).toBe(200);
    expect((await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${imageId}/original` })).statusCode).toBe(200);
  });

  it('deletes the caller’s own image, its original and its variants', async () => {
    const imageId = await uploadOk(t.server, undefined, STORE_B);
    expect((await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${imageId}/variants/card` })).statusCode).toBe(200);
    expect(await blobs.exists(`originals/${imageId}`)).toBe(true);

    const response = await remove(imageId, STORE_B);
    expect(response.statusCode).toBe(204);
    expect(await blobs.exists(`originals/${imageId}`)).toBe(false);
    const rows = await t.server.database.db.withSchema('image-proxy').selectFrom('variants').selectAll().where('image_id', '=', imageId).execute();
    expect(rows).toEqual([]);
    for (const url of [`/image-proxy/images/${imageId}`, `/image-proxy/images/${imageId}/original`, `/image-proxy/images/${imageId}/variants/card`]) {
      expectProblemResponse(await t.server.app.inject({ method: 'GET', url }), 404, 'IMAGE_NOT_FOUND');
    }
    expectProblemResponse(await remove(imageId, STORE_B), 404, 'IMAGE_NOT_FOUND');
  });

  it('needs a store credential to delete', async () => {
    const imageId = await uploadOk(t.server, undefined, STORE_A);
    expectProblemResponse(await t.server.app.inject({ method: 'DELETE', url: `/image-proxy/images/${imageId}` }), 401, 'UNAUTHENTICATED');
  });

  it('publishes image-uploaded and image-deleted', async () => {
    const imageId = await uploadOk(t.server, undefined, STORE_A);
    await remove(imageId, STORE_A);
    const events = await t.server.database.db
      .withSchema('tokobapak')
      .selectFrom('outbox' as never)
      .select(['type' as never, 'data' as never])
      .where('subject' as never, '=', imageId as never)
      .execute();
    expect(events).toMatchObject([
      { type: 'image-proxy.image-uploaded', data: { imageId, storeId: STORE_A, contentType: 'image/png' } },
      { type: 'image-proxy.image-deleted', data: { imageId, storeId: STORE_A } },
    ]);
  });
});
