import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, outboxEvents } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bannerInput, callers, HOUSE_STORE, references, STORE_A, startServer } from './support.js';

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

describe('platform slots are for admins only', () => {
  test('a customer and a store session get 403, no credentials 401; an admin creates, lists, updates and deletes', async () => {
    await expectProblem(as.customer().promotedItem.createPlatformBanner({ body: bannerInput() }), 403, 'FORBIDDEN');
    await expectProblem(as.store(STORE_A).promotedItem.createPlatformBanner({ body: bannerInput() }), 403, 'FORBIDDEN');
    await expectProblem(as.store(STORE_A, 'owner').promotedItem.listPlatformPromotions(), 403, 'FORBIDDEN');
    await expectProblem(as.guest().promotedItem.listPlatformBanners(), 401, 'UNAUTHENTICATED');

    const admin = as.admin();
    const banner = await admin.promotedItem.createPlatformBanner({ body: await refs.banner(HOUSE_STORE, { title: 'Harbolnas 11.11', priority: 7 }) });
    expect(banner).toMatchObject({ scope: 'platform', storeId: null, title: 'Harbolnas 11.11', priority: 7, status: 'active', endsAt: null });
    expect(banner.id).toMatch(/^ban_[0-9a-z]{26}$/);
    expect((await admin.promotedItem.listPlatformBanners()).items.map((item) => item.id)).toContain(banner.id);

    await expectProblem(as.customer().promotedItem.updatePlatformBanner({ params: { bannerId: banner.id }, body: { status: 'paused' } }), 403, 'FORBIDDEN');
    await expectProblem(as.store(STORE_A).promotedItem.deletePlatformBanner({ params: { bannerId: banner.id } }), 403, 'FORBIDDEN');

    const paused = await admin.promotedItem.updatePlatformBanner({ params: { bannerId: banner.id }, body: { status: 'paused', title: 'Harbolnas' } });
    expect(paused).toMatchObject({ id: banner.id, status: 'paused', title: 'Harbolnas', priority: 7 });
    await admin.promotedItem.deletePlatformBanner({ params: { bannerId: banner.id } });
    await expectProblem(admin.promotedItem.deletePlatformBanner({ params: { bannerId: banner.id } }), 404, 'PROMOTED_ITEM_BANNER_NOT_FOUND');
  });

  test('a store slot is not a platform slot: the admin operations answer 404 for it', async () => {
    const storeBanner = await as.store(STORE_A).promotedItem.createStoreBanner({ body: await refs.banner(STORE_A) });
    await expectProblem(
      as.admin().promotedItem.updatePlatformBanner({ params: { bannerId: storeBanner.id }, body: { priority: 1 } }),
      404,
      'PROMOTED_ITEM_BANNER_NOT_FOUND',
    );
    const storePromotion = await as.store(STORE_A).promotedItem.createStorePromotion({ body: await refs.promotion(STORE_A) });
    await expectProblem(
      as.admin().promotedItem.deletePlatformPromotion({ params: { promotionId: storePromotion.id } }),
      404,
      'PROMOTED_ITEM_PROMOTION_NOT_FOUND',
    );
  });
});

describe('store slots', () => {
  test('need a store session of at least manager: a plain customer or a staff member gets 403', async () => {
    await expectProblem(as.customer().promotedItem.createStoreBanner({ body: bannerInput() }), 403, 'STORE_CONTEXT_REQUIRED');
    await expectProblem(as.store(STORE_A, 'staff').promotedItem.listStoreBanners(), 403, 'FORBIDDEN');
    await expect(as.store(STORE_A, 'owner').promotedItem.listStorePromotions()).resolves.toMatchObject({ nextCursor: null });
  });

  test('belong to the store of the credential, list newest first with filters and cursors', async () => {
    const store = `sto_${'c'.repeat(26)}`;
    const client = as.store(store);
    const created = [];
    for (const placement of ['home-hero', 'home-strip', 'home-hero'])
      created.push(await client.promotedItem.createStorePromotion({ body: await refs.promotion(store, { placement }) }));
    expect(created.every((promotion) => promotion.scope === 'store' && promotion.storeId === store)).toBe(true);

    const first = await client.promotedItem.listStorePromotions({ query: { limit: 2 } });
    expect(first.items.map((item) => item.id)).toEqual([created[2]?.id, created[1]?.id]);
    const second = await client.promotedItem.listStorePromotions({ query: { limit: 2, cursor: first.nextCursor ?? '' } });
    expect(second).toEqual({ items: [created[0]], nextCursor: null });

    const heroes = await client.promotedItem.listStorePromotions({ query: { placement: 'home-hero' } });
    expect(heroes.items.map((item) => item.id)).toEqual([created[2]?.id, created[0]?.id]);
    await client.promotedItem.updateStorePromotion({ params: { promotionId: created[0]?.id ?? '' }, body: { status: 'paused' } });
    expect((await client.promotedItem.listStorePromotions({ query: { status: 'paused' } })).items.map((item) => item.id)).toEqual([created[0]?.id]);
  });
});

describe('schedules', () => {
  test('endsAt must be after startsAt, on create and as the schedule stands after a patch', async () => {
    const client = as.store(STORE_A);
    const startsAt = '2030-01-01T00:00:00.000Z';
    await expectProblem(
      client.promotedItem.createStoreBanner({ body: await refs.banner(STORE_A, { startsAt, endsAt: startsAt }) }),
      422,
      'PROMOTED_ITEM_INVALID_SCHEDULE',
    );
    await expectProblem(
      as.admin().promotedItem.createPlatformPromotion({ body: await refs.promotion(HOUSE_STORE, { startsAt, endsAt: '2029-12-31T23:59:59.000Z' }) }),
      422,
      'PROMOTED_ITEM_INVALID_SCHEDULE',
    );
    const banner = await client.promotedItem.createStoreBanner({ body: await refs.banner(STORE_A, { startsAt, endsAt: '2030-02-01T00:00:00.000Z' }) });
    await expectProblem(
      client.promotedItem.updateStoreBanner({ params: { bannerId: banner.id }, body: { startsAt: '2030-03-01T00:00:00.000Z' } }),
      422,
      'PROMOTED_ITEM_INVALID_SCHEDULE',
    );
    const moved = await client.promotedItem.updateStoreBanner({
      params: { bannerId: banner.id },
      body: { startsAt: '2030-03-01T00:00:00.000Z', endsAt: null },
    });
    expect(moved).toMatchObject({ startsAt: '2030-03-01T00:00:00.000Z', endsAt: null });
  });

  test('a link must be http or https, and unknown fields are refused', async () => {
    await expectProblem(as.store(STORE_A).promotedItem.createStoreBanner({ body: bannerInput({ linkUrl: 'javascript:alert(1)' }) }), 400, 'VALIDATION_FAILED');
    const sneaky = await server.app.inject({
      method: 'POST',
      url: '/promoted-item/store/banners',
      headers: as.storeHeader(STORE_A),
      payload: { ...bannerInput(), storeId: `sto_${'b'.repeat(26)}` },
    });
    expect(sneaky.statusCode).toBe(400);
  });
});

test('create, update and delete publish events with the slot', async () => {
  const client = as.store(STORE_A);
  const banner = await client.promotedItem.createStoreBanner({ body: await refs.banner(STORE_A, { placement: 'evented' }) });
  const updated = await client.promotedItem.updateStoreBanner({ params: { bannerId: banner.id }, body: { priority: 9 } });
  await client.promotedItem.deleteStoreBanner({ params: { bannerId: banner.id } });
  const promotion = await client.promotedItem.createStorePromotion({ body: await refs.promotion(STORE_A, { placement: 'evented' }) });
  await client.promotedItem.deleteStorePromotion({ params: { promotionId: promotion.id } });

  const events = (
    await outboxEvents(server, [
      'promoted-item.banner-created',
      'promoted-item.banner-updated',
      'promoted-item.banner-deleted',
      'promoted-item.promotion-created',
      'promoted-item.promotion-deleted',
    ])
  ).filter((event) => event.subject === banner.id || event.subject === promotion.id);
  expect(events).toEqual([
    { type: 'promoted-item.banner-created', source: 'promoted-item', subject: banner.id, data: banner },
    { type: 'promoted-item.banner-updated', source: 'promoted-item', subject: banner.id, data: updated },
    {
      type: 'promoted-item.banner-deleted',
      source: 'promoted-item',
      subject: banner.id,
      data: { id: banner.id, scope: 'store', storeId: STORE_A, placement: 'evented' },
    },
    { type: 'promoted-item.promotion-created', source: 'promoted-item', subject: promotion.id, data: promotion },
    {
      type: 'promoted-item.promotion-deleted',
      source: 'promoted-item',
      subject: promotion.id,
      data: { id: promotion.id, scope: 'store', storeId: STORE_A, placement: 'evented' },
    },
  ]);
});
