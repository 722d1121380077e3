import { MissingServicesError } from '@tokobapak/server';
import { createTestServer, expectProblem, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promotedItemPlugin } from '../src/index.js';
import { bannerInput, callers, fakeId, HOUSE_STORE, promotionInput, references, STORE_A, STORE_B, startServer } from './support.js';

// A slot must point at a real image or active product; a store slot at its own store's.

describe('with inventory and image-proxy in the process', () => {
  let server: TestServer;
  let as: ReturnType<typeof callers>;
  let refs: ReturnType<typeof references>;
  beforeAll(async () => {
    server = await startServer();
    as = callers(server);
    refs = references(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  test('a store banner takes an image of its own store, not a missing one nor another store’s', async () => {
    const client = as.store(STORE_A).promotedItem;
    const banner = await client.createStoreBanner({ body: bannerInput({ imageId: await refs.image(STORE_A) }) });
    expect(banner).toMatchObject({ storeId: STORE_A, imageId: await refs.image(STORE_A) });

    await expectProblem(client.createStoreBanner({ body: bannerInput({ imageId: fakeId('img') }) }), 422, 'PROMOTED_ITEM_IMAGE_NOT_FOUND');
    await expectProblem(client.createStoreBanner({ body: bannerInput({ imageId: await refs.image(STORE_B) }) }), 422, 'PROMOTED_ITEM_IMAGE_NOT_FOUND');
    await expectProblem(
      client.updateStoreBanner({ params: { bannerId: banner.id }, body: { imageId: await refs.image(STORE_B) } }),
      422,
      'PROMOTED_ITEM_IMAGE_NOT_FOUND',
    );
    const other = await refs.image(STORE_A, true);
    expect(await client.updateStoreBanner({ params: { bannerId: banner.id }, body: { imageId: other } })).toMatchObject({ imageId: other });
    expect((await client.listStoreBanners()).items.map((item) => item.imageId)).toEqual([other]);
  });

  test('a deleted image is not found', async () => {
    const imageId = await refs.image(STORE_A, true);
    await as.store(STORE_A).imageProxy.deleteImage({ params: { imageId } });
    await expectProblem(as.store(STORE_A).promotedItem.createStoreBanner({ body: bannerInput({ imageId }) }), 422, 'PROMOTED_ITEM_IMAGE_NOT_FOUND');
  });

  test('a store promotion takes an active product of its own store', async () => {
    const client = as.store(STORE_A).promotedItem;
    const promotion = await client.createStorePromotion({ body: await refs.promotion(STORE_A) });
    expect(promotion).toMatchObject({ storeId: STORE_A, productId: await refs.product(STORE_A) });

    await expectProblem(client.createStorePromotion({ body: promotionInput() }), 422, 'PROMOTED_ITEM_PRODUCT_NOT_FOUND');
    await expectProblem(client.createStorePromotion({ body: await refs.promotion(STORE_B) }), 422, 'PROMOTED_ITEM_PRODUCT_NOT_FOUND');
    const draft = await refs.product(STORE_A, { status: 'draft' });
    await expectProblem(client.createStorePromotion({ body: promotionInput({ productId: draft }) }), 422, 'PROMOTED_ITEM_PRODUCT_NOT_FOUND');
    await expectProblem(
      client.updateStorePromotion({ params: { promotionId: promotion.id }, body: { productId: await refs.product(STORE_B) } }),
      422,
      'PROMOTED_ITEM_PRODUCT_NOT_FOUND',
    );
    const archived = await refs.product(STORE_A, { fresh: true });
    await as.store(STORE_A).inventory.archiveProduct({ params: { productId: archived } });
    await expectProblem(
      client.updateStorePromotion({ params: { promotionId: promotion.id }, body: { productId: archived } }),
      422,
      'PROMOTED_ITEM_PRODUCT_NOT_FOUND',
    );
    const other = await refs.product(STORE_A, { fresh: true });
    expect(await client.updateStorePromotion({ params: { promotionId: promotion.id }, body: { productId: other } })).toMatchObject({ productId: other });
    // A patch that leaves the product alone does not ask inventory again.
    expect(await client.updateStorePromotion({ params: { promotionId: promotion.id }, body: { priority: 4 } })).toMatchObject({
      productId: other,
      priority: 4,
    });
  });

  test('platform slots may use any store’s image and product, but still only real, active ones', async () => {
    const admin = as.admin().promotedItem;
    const banner = await admin.createPlatformBanner({ body: bannerInput({ imageId: await refs.image(STORE_B) }) });
    expect(banner).toMatchObject({ scope: 'platform', storeId: null, imageId: await refs.image(STORE_B) });
    const promotion = await admin.createPlatformPromotion({ body: await refs.promotion(STORE_A) });
    expect(await admin.updatePlatformPromotion({ params: { promotionId: promotion.id }, body: { productId: await refs.product(HOUSE_STORE) } })).toMatchObject({
      productId: await refs.product(HOUSE_STORE),
    });

    await expectProblem(admin.createPlatformBanner({ body: bannerInput() }), 422, 'PROMOTED_ITEM_IMAGE_NOT_FOUND');
    await expectProblem(
      admin.updatePlatformBanner({ params: { bannerId: banner.id }, body: { imageId: fakeId('img') } }),
      422,
      'PROMOTED_ITEM_IMAGE_NOT_FOUND',
    );
    await expectProblem(admin.createPlatformPromotion({ body: promotionInput() }), 422, 'PROMOTED_ITEM_PRODUCT_NOT_FOUND');
    const draft = await refs.product(STORE_B, { status: 'draft' });
    await expectProblem(admin.createPlatformPromotion({ body: promotionInput({ productId: draft }) }), 422, 'PROMOTED_ITEM_PRODUCT_NOT_FOUND');
  });

  test('the input is checked before the references: a bad schedule is still PROMOTED_ITEM_INVALID_SCHEDULE', async () => {
    const startsAt = '2030-01-01T00:00:00.000Z';
    await expectProblem(
      as.store(STORE_A).promotedItem.createStoreBanner({ body: bannerInput({ startsAt, endsAt: startsAt }) }),
      422,
      'PROMOTED_ITEM_INVALID_SCHEDULE',
    );
  });

  test('a refused slot is not stored and publishes nothing', async () => {
    const store = `sto_${'r'.repeat(26)}`;
    await expectProblem(as.store(store).promotedItem.createStoreBanner({ body: bannerInput() }), 422, 'PROMOTED_ITEM_IMAGE_NOT_FOUND');
    await expectProblem(as.store(store).promotedItem.createStorePromotion({ body: promotionInput() }), 422, 'PROMOTED_ITEM_PRODUCT_NOT_FOUND');
    expect((await as.store(store).promotedItem.listStoreBanners()).items).toEqual([]);
    expect((await as.store(store).promotedItem.listStorePromotions()).items).toEqual([]);
  });
});

describe('without inventory and image-proxy', () => {
  test('the server refuses to start when they are neither loaded nor configured, naming both and their URL variables', async () => {
    const started = createTestServer({ plugins: [promotedItemPlugin()] });
    await expect(started).rejects.toThrow(MissingServicesError);
    await expect(started).rejects.toThrow(
      /^Cannot start: promoted-item calls inventory \(A promoted product is checked to be an active product of the store\), which is neither loaded in this process nor configured: load inventory too, or set TOKOBAPAK_INVENTORY_URL \(remoteServices\.inventory\) to its URL; promoted-item calls image-proxy .* set TOKOBAPAK_IMAGE_PROXY_URL/,
    );
  });
});

describe('with inventory and image-proxy configured but down', () => {
  let server: TestServer;
  let as: ReturnType<typeof callers>;
  beforeAll(async () => {
    server = await startServer(undefined, { down: true });
    as = callers(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  test('creating or repointing a slot is refused with 503 SERVICE_UNAVAILABLE and nothing is stored', async () => {
    await expectProblem(as.store(STORE_A).promotedItem.createStoreBanner({ body: bannerInput() }), 503, 'SERVICE_UNAVAILABLE');
    await expectProblem(as.store(STORE_A).promotedItem.createStorePromotion({ body: promotionInput() }), 503, 'SERVICE_UNAVAILABLE');
    await expectProblem(as.admin().promotedItem.createPlatformBanner({ body: bannerInput() }), 503, 'SERVICE_UNAVAILABLE');
    await expectProblem(as.admin().promotedItem.createPlatformPromotion({ body: promotionInput() }), 503, 'SERVICE_UNAVAILABLE');
    expect((await as.store(STORE_A).promotedItem.listStoreBanners()).items).toEqual([]);
    expect((await as.admin().promotedItem.listPlatformPromotions()).items).toEqual([]);
  });

  test('what needs no check still works: lists, the homepage, a bad schedule', async () => {
    expect((await as.guest().promotedItem.getHomepage()).placements).toEqual([]);
    const startsAt = '2030-01-01T00:00:00.000Z';
    await expectProblem(
      as.store(STORE_A).promotedItem.createStoreBanner({ body: bannerInput({ startsAt, endsAt: startsAt }) }),
      422,
      'PROMOTED_ITEM_INVALID_SCHEDULE',
    );
  });
});
