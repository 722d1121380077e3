import { readOperations } from '@tokobapak/server';
import { expectProblem, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promotionPlugin } from '../src/index.js';
import { callers, fakeId, type Schemas, startServer, uniqueCode } from './support.js';

let server: TestServer;
let as: ReturnType<typeof callers>;
let now: Date;
const STORE_A = fakeId('sto');
const STORE_B = fakeId('sto');

beforeAll(async () => {
  const started = await startServer();
  server = started.server;
  now = started.clock.now();
  as = callers(server);
});
afterAll(async () => {
  await server?.close();
});

const percent = (overrides: Partial<Schemas['PromotionInput']> = {}): Schemas['PromotionInput'] => ({
  name: 'Diskon 10%',
  type: 'percentage',
  percentage: 10,
  ...overrides,
});

describe('platform promotions', () => {
  test('an admin creates, reads, lists, pauses and resumes one; defaults are filled in', async () => {
    const code = uniqueCode('Ramadan');
    const created = await as.admin().promotion.createPlatformDiscount({ body: percent({ code }) });
    expect(created).toMatchObject({
      scope: 'platform',
      storeId: null,
      fundedBy: 'platform',
      code: code.toUpperCase(),
      type: 'percentage',
      currency: 'IDR',
      percentage: 10,
      amount: null,
      conditions: { minSubtotal: null, storeIds: [], productIds: [], categories: [], firstOrderOnly: false },
      stacking: 'combinable',
      priority: 0,
      startsAt: now.toISOString(),
      endsAt: null,
      usageLimit: null,
      perCustomerLimit: null,
      status: 'active',
    });
    expect(created.id).toMatch(/^prm_/);
    expect(await as.admin().promotion.getPlatformDiscount({ params: { promotionId: created.id } })).toEqual(created);
    const paused = await as.admin().promotion.updatePlatformDiscount({ params: { promotionId: created.id }, body: { status: 'paused' } });
    expect(paused.status).toBe('paused');
    const listed = await as.admin().promotion.listPlatformDiscounts({ query: { status: 'paused' } });
    expect(listed.items.map((item) => item.id)).toContain(created.id);
    const resumed = await as.admin().promotion.updatePlatformDiscount({ params: { promotionId: created.id }, body: { status: 'active', usageLimit: 100 } });
    expect(resumed).toMatchObject({ status: 'active', usageLimit: 100 });
  });

  test('lists page by cursor, newest first', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await as.admin().promotion.createPlatformDiscount({ body: percent({ name: `Halaman ${i}` }) })).id);
    const first = await as.admin().promotion.listPlatformDiscounts({ query: { limit: 2 } });
    expect(first.items.map((item) => item.id)).toEqual([made[2], made[1]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await as.admin().promotion.listPlatformDiscounts({ query: { limit: 2, cursor: first.nextCursor as string } });
    expect(second.items[0]?.id).toBe(made[0]);
  });

  test('only admins: a customer or a store session gets 403, nobody 401', async () => {
    await expectProblem(as.customer().promotion.createPlatformDiscount({ body: percent() }), 403, 'FORBIDDEN');
    await expectProblem(as.store(STORE_A, 'owner').promotion.listPlatformDiscounts({ query: {} }), 403, 'FORBIDDEN');
    await expect(as.guest().promotion.listPlatformDiscounts({ query: {} })).rejects.toMatchObject({ status: 401 });
  });
});

describe('store promotions', () => {
  test('a manager creates one for its own store; staff may read but not write', async () => {
    const created = await as.store(STORE_A).promotion.createStoreDiscount({ body: percent({ name: 'Toko A hemat' }) });
    expect(created).toMatchObject({ scope: 'store', storeId: STORE_A, fundedBy: 'store' });
    const listed = await as.store(STORE_A, 'staff').promotion.listStoreDiscounts({ query: {} });
    expect(listed.items.map((item) => item.id)).toContain(created.id);
    await expectProblem(as.store(STORE_A, 'staff').promotion.createStoreDiscount({ body: percent() }), 403, 'FORBIDDEN');
  });

  test("another store's promotion is a 404 on every operation, exactly like a missing one, and stays unchanged", async () => {
    const theirs = await as.store(STORE_A).promotion.createStoreDiscount({ body: percent({ name: 'Milik A' }) });
    const promotionId = theirs.id;
    const intruder = as.store(STORE_B, 'owner').promotion;
    await expectProblem(intruder.getStoreDiscount({ params: { promotionId } }), 404, 'PROMOTION_NOT_FOUND');
    await expectProblem(intruder.updateStoreDiscount({ params: { promotionId }, body: { status: 'paused' } }), 404, 'PROMOTION_NOT_FOUND');
    await expectProblem(intruder.getStoreDiscountStats({ params: { promotionId } }), 404, 'PROMOTION_NOT_FOUND');
    expect((await intruder.listStoreDiscounts({ query: {} })).items.map((item) => item.id)).not.toContain(promotionId);
    // Nor through the platform routes a store cannot call, nor can an admin reach a store's promotion as a platform one.
    await expectProblem(as.admin().promotion.getPlatformDiscount({ params: { promotionId } }), 404, 'PROMOTION_NOT_FOUND');
    expect((await as.store(STORE_A).promotion.getStoreDiscount({ params: { promotionId } })).status).toBe('active');
  });

  test('every store operation on one promotion is in the sweep above', () => {
    const plugin = promotionPlugin();
    const onOne = readOperations(plugin.name, plugin.spec)
      .filter((operation) => operation.path.startsWith('/promotion/store/') && operation.path.includes('{promotionId}'))
      .map((operation) => operation.operationId)
      .sort();
    expect(onOne).toEqual(['getStoreDiscount', 'getStoreDiscountStats', 'updateStoreDiscount']);
  });
});

describe('bad input: a 4xx problem with a stable code, and nothing written', () => {
  const bad: Array<[string, Partial<Schemas['PromotionInput']> & Record<string, unknown>, number, string]> = [
    ['percentage 0', { percentage: 0 }, 400, 'VALIDATION_FAILED'],
    ['percentage above 100', { percentage: 101 }, 400, 'VALIDATION_FAILED'],
    ['a fixed amount of 10^12', { type: 'fixed_amount', percentage: undefined, amount: 1_000_000_000_000 }, 400, 'VALIDATION_FAILED'],
    ['a minimum subtotal of 10^12', { conditions: { minSubtotal: 1_000_000_000_000 } }, 400, 'VALIDATION_FAILED'],
    ['a percentage promotion without its percentage', { percentage: undefined }, 422, 'PROMOTION_INVALID_RULE'],
    ['a fixed amount promotion with a percentage', { type: 'fixed_amount', amount: 5_000 }, 422, 'PROMOTION_INVALID_RULE'],
    ['buy x get y without y', { type: 'buy_x_get_y', percentage: undefined, buyQuantity: 2 }, 422, 'PROMOTION_INVALID_RULE'],
    ['an end before the start', { startsAt: '2027-01-02T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' }, 422, 'PROMOTION_INVALID_SCHEDULE'],
    ['an end equal to the start', { startsAt: '2027-01-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' }, 422, 'PROMOTION_INVALID_SCHEDULE'],
    ['a code with a space', { code: 'HEMAT 10' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { discount: 5 }, 400, 'VALIDATION_FAILED'],
  ];

  test.each(bad)('%s → %i %s', async (_name, overrides, status, code) => {
    const name = `Bad ${Math.random()}`;
    const body = JSON.parse(JSON.stringify({ ...percent({ name }), ...overrides })) as Schemas['PromotionInput'];
    await expectProblem(as.admin().promotion.createPlatformDiscount({ body }), status, code);
    const all = await as.admin().promotion.listPlatformDiscounts({ query: { limit: 100 } });
    expect(all.items.some((item) => item.name === name)).toBe(false);
  });

  test('a store promotion may not name stores', async () => {
    const problem = await expectProblem(
      as.store(STORE_A).promotion.createStoreDiscount({ body: percent({ conditions: { storeIds: [STORE_B] } }) }),
      422,
      'PROMOTION_INVALID_RULE',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '#/conditions/storeIds' })]);
  });

  test('a code is unique per owner in any letter case: 409 and nothing stored; another store or the platform may hold it too', async () => {
    const code = uniqueCode('Unik');
    const first = await as.store(STORE_A).promotion.createStoreDiscount({ body: percent({ code }) });
    await expectProblem(
      as.store(STORE_A).promotion.createStoreDiscount({ body: percent({ code: code.toLowerCase(), name: 'Dup' }) }),
      409,
      'PROMOTION_CODE_TAKEN',
    );
    expect((await as.store(STORE_A).promotion.listStoreDiscounts({ query: {} })).items.some((item) => item.name === 'Dup')).toBe(false);
    // Each store has its own codes, and the platform its own.
    const other = await as.store(STORE_B).promotion.createStoreDiscount({ body: percent({ code: code.toLowerCase(), name: 'Milik B' }) });
    const platform = await as.admin().promotion.createPlatformDiscount({ body: percent({ code, name: 'Platform' }) });
    expect([first.code, other.code, platform.code]).toEqual([code.toUpperCase(), code.toUpperCase(), code.toUpperCase()]);
    await expectProblem(as.admin().promotion.createPlatformDiscount({ body: percent({ code: code.toLowerCase(), name: 'Dup' }) }), 409, 'PROMOTION_CODE_TAKEN');
  });

  test('a patch that would end the window before it starts changes nothing', async () => {
    const created = await as.admin().promotion.createPlatformDiscount({ body: percent({ startsAt: '2027-01-01T00:00:00Z' }) });
    await expectProblem(
      as.admin().promotion.updatePlatformDiscount({ params: { promotionId: created.id }, body: { endsAt: '2026-12-31T00:00:00Z', name: 'Diubah' } }),
      422,
      'PROMOTION_INVALID_SCHEDULE',
    );
    expect(await as.admin().promotion.getPlatformDiscount({ params: { promotionId: created.id } })).toEqual(created);
  });
});
