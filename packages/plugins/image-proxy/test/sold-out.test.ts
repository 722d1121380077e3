import { eventTypes } from '@tokobapak/sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageProxyTestServer, isGrey, pixels, STORE_A, STORE_B, startImageProxy, uploadOk } from './support.js';

describe('sold-out products', () => {
  let t: ImageProxyTestServer;
  beforeAll(async () => {
    t = await startImageProxy();
  });
  afterAll(async () => {
    await t?.close();
  });

  const card = async (imageId: string) => {
    const response = await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${imageId}/variants/card` });
    expect(response.statusCode).toBe(200);
    const { data, info } = await pixels(response.rawPayload);
    return { grey: isGrey(data, info.channels), etag: String(response.headers.etag) };
  };
  const stock = (type: string, data: unknown, time?: string) => t.publish({ type, subject: 'prd_1', data, ...(time ? { time } : {}) } as never);

  it('serves a sold-out product’s images in greyscale until it is back in stock', async () => {
    const main = await uploadOk(t.server);
    const other = await uploadOk(t.server);
    const colour = await card(main);
    expect(colour.grey).toBe(false);

    await stock(eventTypes.inventory.productSoldOut, { productId: 'prd_1', storeId: STORE_A, imageIds: [main] });
    const grey = await card(main);
    expect(grey.grey).toBe(true);
    expect(grey.etag).not.toBe(colour.etag);
    expect((await card(other)).grey).toBe(false);

    await stock(eventTypes.inventory.productBackInStock, { productId: 'prd_1', storeId: STORE_A, imageIds: [main] });
    const back = await card(main);
    expect(back.grey).toBe(false);
    expect(back.etag).toBe(colour.etag);
  });

  it('ignores a sold-out event that names another store’s image', async () => {
    const image = await uploadOk(t.server, undefined, STORE_A);
    await t.publish({ type: eventTypes.inventory.productSoldOut, subject: 'prd_2', data: { productId: 'prd_2', storeId: STORE_B, imageIds: [image] } });
    expect((await card(image)).grey).toBe(false);
  });

  it('dead-letters a sold-out event whose payload breaks inventory’s schema, and handles the next one', async () => {
    const image = await uploadOk(t.server);
    await t.publish({ type: eventTypes.inventory.productSoldOut, subject: 'prd_4', data: { productId: 'prd_4', storeId: STORE_A, imageIds: image } });
    const dead = await sql<{ attempts: number; last_error: string }>`
      select attempts, last_error from tokobapak.dead_letters where consumer = 'image-proxy.track-sold-out-images'
    `.execute(t.server.database.db);
    expect(dead.rows).toEqual([{ attempts: 1, last_error: expect.stringContaining('data/imageIds must be array') }]);
    expect((await card(image)).grey).toBe(false);

    await t.publish({ type: eventTypes.inventory.productSoldOut, subject: 'prd_4', data: { productId: 'prd_4', storeId: STORE_A, imageIds: [image] } });
    expect((await card(image)).grey).toBe(true);
  });

  it('keeps the newest stock state when an older event arrives late', async () => {
    const image = await uploadOk(t.server);
    const db = t.server.database.db.withSchema('image-proxy');
    await t.publish({ type: eventTypes.inventory.productSoldOut, subject: 'prd_3', data: { productId: 'prd_3', storeId: STORE_A, imageIds: [image] } });
    // Pretend the sold-out state was recorded in the future, so the next (older) event is stale.
    await db
      .updateTable('product_stock' as never)
      .set({ changed_at: new Date(Date.now() + 60_000) } as never)
      .where('product_id' as never, '=', 'prd_3' as never)
      .execute();
    await t.publish({ type: eventTypes.inventory.productBackInStock, subject: 'prd_3', data: { productId: 'prd_3', storeId: STORE_A, imageIds: [image] } });
    expect((await card(image)).grey).toBe(true);
  });
});
