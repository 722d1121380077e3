import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, manualClock, outboxEvents } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callers, fakeId, HOUSE_STORE, references, STORE_A, startOfMinute, startServer } from './support.js';

const clock = manualClock(startOfMinute());
let server: TestServer;
let as: ReturnType<typeof callers>;
let refs: ReturnType<typeof references>;
beforeAll(async () => {
  server = await startServer(clock);
  as = callers(server);
  refs = references(server);
});
afterAll(async () => {
  await server?.close();
});

describe('impressions and clicks', () => {
  test('a live slot: 202, and the event lands in the outbox with the slot facts', async () => {
    const banner = await as.admin().promotedItem.createPlatformBanner({ body: await refs.banner(HOUSE_STORE, { placement: 'home-hero' }) });
    const promotion = await as.store(STORE_A).promotedItem.createStorePromotion({ body: await refs.promotion(STORE_A, { placement: 'store-strip' }) });

    const impression = await server.app.inject({
      method: 'POST',
      url: '/promoted-item/impressions',
      payload: { kind: 'banner', id: banner.id, placement: 'home-hero', sessionId: 'visit-42' },
    });
    expect(impression.statusCode).toBe(202);
    await as.guest().promotedItem.recordClick({ body: { kind: 'promotion', id: promotion.id, placement: 'store-strip' } });

    expect(await outboxEvents(server, ['promoted-item.impression', 'promoted-item.click'])).toEqual([
      {
        type: 'promoted-item.impression',
        source: 'promoted-item',
        subject: banner.id,
        data: { kind: 'banner', id: banner.id, placement: 'home-hero', scope: 'platform', storeId: null, productId: null, sessionId: 'visit-42' },
      },
      {
        type: 'promoted-item.click',
        source: 'promoted-item',
        subject: promotion.id,
        data: {
          kind: 'promotion',
          id: promotion.id,
          placement: 'store-strip',
          scope: 'store',
          storeId: STORE_A,
          productId: promotion.productId,
          sessionId: null,
        },
      },
    ]);
  });

  test('unknown ids and ids of the other kind are 404; nothing is published', async () => {
    const banner = await as.admin().promotedItem.createPlatformBanner({ body: await refs.banner(HOUSE_STORE, { placement: 'home-hero' }) });
    const before = (await outboxEvents(server, ['promoted-item.impression', 'promoted-item.click'])).length;
    const client = as.guest().promotedItem;
    await expectProblem(
      client.recordImpression({ body: { kind: 'banner', id: fakeId('ban'), placement: 'home-hero' } }),
      404,
      'PROMOTED_ITEM_BANNER_NOT_FOUND',
    );
    await expectProblem(
      client.recordClick({ body: { kind: 'promotion', id: fakeId('pro'), placement: 'home-hero' } }),
      404,
      'PROMOTED_ITEM_PROMOTION_NOT_FOUND',
    );
    await expectProblem(client.recordClick({ body: { kind: 'promotion', id: banner.id, placement: 'home-hero' } }), 404, 'PROMOTED_ITEM_PROMOTION_NOT_FOUND');
    const malformed = await server.app.inject({
      method: 'POST',
      url: '/promoted-item/clicks',
      payload: { kind: 'banner', id: 'ban_x', placement: 'home-hero' },
    });
    expect(malformed.statusCode).toBe(400);
    expect((await outboxEvents(server, ['promoted-item.impression', 'promoted-item.click'])).length).toBe(before);
  });

  test('a slot that is paused, not started, ended, or in another placement is 422', async () => {
    const client = as.guest().promotedItem;
    const start = clock.now().getTime();
    const later = await as.admin().promotedItem.createPlatformBanner({
      body: await refs.banner(HOUSE_STORE, {
        placement: 'home-hero',
        startsAt: new Date(start + 60_000).toISOString(),
        endsAt: new Date(start + 120_000).toISOString(),
      }),
    });
    await expectProblem(client.recordImpression({ body: { kind: 'banner', id: later.id, placement: 'home-hero' } }), 422, 'PROMOTED_ITEM_NOT_LIVE');
    clock.advance(60_000);
    await client.recordImpression({ body: { kind: 'banner', id: later.id, placement: 'home-hero' } });
    await expectProblem(client.recordImpression({ body: { kind: 'banner', id: later.id, placement: 'home-strip' } }), 422, 'PROMOTED_ITEM_NOT_LIVE');
    clock.advance(60_000);
    await expectProblem(client.recordClick({ body: { kind: 'banner', id: later.id, placement: 'home-hero' } }), 422, 'PROMOTED_ITEM_NOT_LIVE');

    const paused = await as
      .store(STORE_A)
      .promotedItem.createStorePromotion({ body: await refs.promotion(STORE_A, { placement: 'store-strip', status: 'paused' }) });
    await expectProblem(client.recordClick({ body: { kind: 'promotion', id: paused.id, placement: 'store-strip' } }), 422, 'PROMOTED_ITEM_NOT_LIVE');
  });
});
