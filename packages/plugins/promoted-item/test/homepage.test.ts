import type { TestServer } from '@tokobapak/server/testing';
import { manualClock } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callers, HOUSE_STORE, references, STORE_A, STORE_B, startOfMinute, startServer } from './support.js';

const START = startOfMinute().getTime();
const clock = manualClock(new Date(START));
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

const HOUR = 3_600_000;
const at = (offsetHours: number) => new Date(START + offsetHours * HOUR).toISOString();
const titles = (homepage: { placements: Array<{ placement: string; banners: Array<{ title: string }> }> }, placement: string) =>
  homepage.placements.find((slots) => slots.placement === placement)?.banners.map((banner) => banner.title) ?? [];

describe('getHomepage', () => {
  test('shows a slot only inside its schedule, by the server clock: startsAt inclusive, endsAt exclusive', async () => {
    clock.set(at(0));
    const admin = as.admin();
    await admin.promotedItem.createPlatformBanner({
      body: await refs.banner(HOUSE_STORE, { placement: 'sched', title: 'window', startsAt: at(1), endsAt: at(3) }),
    });
    await admin.promotedItem.createPlatformBanner({
      body: await refs.banner(HOUSE_STORE, { placement: 'sched', title: 'open-ended', startsAt: at(2), endsAt: null }),
    });
    const shown = async () => titles(await as.guest().promotedItem.getHomepage({ query: { placement: 'sched' } }), 'sched');

    expect(await shown()).toEqual([]);
    clock.set(at(1));
    expect(await shown()).toEqual(['window']);
    clock.set(at(2));
    expect(await shown()).toEqual(['open-ended', 'window']); // same priority: the later start first
    clock.advance(HOUR - 1);
    expect(await shown()).toEqual(['open-ended', 'window']);
    clock.set(at(3));
    expect(await shown()).toEqual(['open-ended']);
    clock.set(at(24 * 365));
    expect(await shown()).toEqual(['open-ended']);
    clock.set(at(0));
  });

  test('orders by priority, then the latest start, then the newest; limits each placement; paused slots never show', async () => {
    clock.set(at(10));
    const admin = as.admin();
    const create = async (title: string, priority: number, startsAt: string) =>
      admin.promotedItem.createPlatformBanner({ body: await refs.banner(HOUSE_STORE, { placement: 'order', title, priority, startsAt }) });
    await create('low', 1, at(9));
    await create('high-old', 50, at(5));
    await create('high-new', 50, at(8));
    await create('mid', 10, at(9));
    await create('tie-first', 10, at(9));
    const paused = await create('paused', 999, at(9));
    await admin.promotedItem.updatePlatformBanner({ params: { bannerId: paused.id }, body: { status: 'paused' } });

    const homepage = await as.guest().promotedItem.getHomepage({ query: { placement: 'order' } });
    expect(titles(homepage, 'order')).toEqual(['high-new', 'high-old', 'tie-first', 'mid', 'low']);
    expect(titles(await as.guest().promotedItem.getHomepage({ query: { placement: 'order', limit: 2 } }), 'order')).toEqual(['high-new', 'high-old']);

    await admin.promotedItem.updatePlatformBanner({ params: { bannerId: paused.id }, body: { status: 'active' } });
    expect(titles(await as.guest().promotedItem.getHomepage({ query: { placement: 'order', limit: 1 } }), 'order')).toEqual(['paused']);
  });

  test('groups banners and promotions by placement, alphabetically, and keeps platform and store slots apart', async () => {
    clock.set(at(20));
    await as.admin().promotedItem.createPlatformBanner({ body: await refs.banner(HOUSE_STORE, { placement: 'zz-platform', title: 'platform banner' }) });
    const promoted = await as
      .admin()
      .promotedItem.createPlatformPromotion({ body: await refs.promotion(HOUSE_STORE, { placement: 'aa-platform', priority: 3 }) });
    await as.store(STORE_A).promotedItem.createStoreBanner({ body: await refs.banner(STORE_A, { placement: 'store-hero', title: 'store A banner' }) });
    const storePromotion = await as.store(STORE_A).promotedItem.createStorePromotion({ body: await refs.promotion(STORE_A, { placement: 'store-hero' }) });

    const platform = await as.guest().promotedItem.getHomepage();
    expect(platform.storeId).toBeNull();
    expect(platform.at).toBe(at(20));
    const names = platform.placements.map((slots) => slots.placement);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('aa-platform');
    expect(names).not.toContain('store-hero');
    expect(platform.placements.find((slots) => slots.placement === 'aa-platform')).toEqual({ placement: 'aa-platform', banners: [], promotions: [promoted] });

    const storeA = await as.guest().promotedItem.getHomepage({ query: { store: STORE_A } });
    expect(storeA).toEqual({
      at: at(20),
      storeId: STORE_A,
      placements: [
        {
          placement: 'store-hero',
          banners: [expect.objectContaining({ title: 'store A banner', scope: 'store', storeId: STORE_A })],
          promotions: [storePromotion],
        },
      ],
    });
    expect((await as.guest().promotedItem.getHomepage({ query: { store: STORE_B } })).placements).toEqual([]);
  });

  test('refuses a malformed store id or limit', async () => {
    const bad = await server.app.inject({ method: 'GET', url: '/promoted-item/homepage?store=toko-a&limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).code).toBe('VALIDATION_FAILED');
  });
});
