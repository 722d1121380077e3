import { readOperations } from '@tokobapak/server';
import type { TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promotedItemPlugin } from '../src/index.js';
import { callers, references, STORE_A, STORE_B, startServer } from './support.js';

// Every mutating store operation of the spec is enumerated, so a new one cannot skip the check.
const plugin = promotedItemPlugin();
const storeOperations = readOperations(plugin.name, plugin.spec).filter(
  (operation) => operation.method !== 'GET' && operation.security.some((requirement) => requirement.scopes.some((scope) => scope.startsWith('store'))),
);
const onOneSlot = storeOperations.filter((operation) => /\{(bannerId|promotionId)\}/.test(operation.path));

let server: TestServer;
let as: ReturnType<typeof callers>;
let refs: ReturnType<typeof references>;
const ids: Record<'bannerId' | 'promotionId', string> = { bannerId: '', promotionId: '' };
beforeAll(async () => {
  server = await startServer();
  as = callers(server);
  refs = references(server);
  ids.bannerId = (await as.store(STORE_A).promotedItem.createStoreBanner({ body: await refs.banner(STORE_A) })).id;
  ids.promotionId = (await as.store(STORE_A).promotedItem.createStorePromotion({ body: await refs.promotion(STORE_A) })).id;
});
afterAll(async () => {
  await server?.close();
});

test('the sweep covers every store operation that changes one slot', () => {
  expect(onOneSlot.map((operation) => operation.operationId).sort()).toEqual([
    'deleteStoreBanner',
    'deleteStorePromotion',
    'updateStoreBanner',
    'updateStorePromotion',
  ]);
  expect(storeOperations.map((operation) => operation.operationId).sort()).toEqual([
    'createStoreBanner',
    'createStorePromotion',
    'deleteStoreBanner',
    'deleteStorePromotion',
    'updateStoreBanner',
    'updateStorePromotion',
  ]);
});

describe("store B cannot touch store A's slots: 404, exactly like a missing one", () => {
  test.each(onOneSlot.map((operation) => [operation.operationId, operation] as const))('%s', async (_name, operation) => {
    const url = operation.path.replace(/\{(\w+)\}/, (_match, name: 'bannerId' | 'promotionId') => ids[name]);
    const payload = operation.body ? { priority: 1000, status: 'paused' } : undefined;
    const response = await server.app.inject({ method: operation.method as 'PATCH', url, headers: as.storeHeader(STORE_B), ...(payload ? { payload } : {}) });
    expect(response.statusCode, response.body).toBe(404);
    expect(JSON.parse(response.body).code).toMatch(/^PROMOTED_ITEM_(BANNER|PROMOTION)_NOT_FOUND$/);
  });

  test("store A's slots are unchanged and B's lists do not show them", async () => {
    const banners = await as.store(STORE_A).promotedItem.listStoreBanners();
    expect(banners.items).toEqual([expect.objectContaining({ id: ids.bannerId, priority: 0, status: 'active' })]);
    const promotions = await as.store(STORE_A).promotedItem.listStorePromotions();
    expect(promotions.items).toEqual([expect.objectContaining({ id: ids.promotionId, priority: 0, status: 'active' })]);
    expect((await as.store(STORE_B).promotedItem.listStoreBanners()).items).toEqual([]);
    expect((await as.store(STORE_B).promotedItem.listStorePromotions()).items).toEqual([]);
  });

  test("a slot created by store B belongs to B, whatever B's body says", async () => {
    const created = await as.store(STORE_B).promotedItem.createStoreBanner({ body: await refs.banner(STORE_B) });
    expect(created.storeId).toBe(STORE_B);
  });
});
