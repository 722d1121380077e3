import { expectProblem, type ManualClock, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callers, fakeId, type Schemas, startServer, uniqueCode } from './support.js';

let server: TestServer;
let clock: ManualClock;
let as: ReturnType<typeof callers>;

beforeAll(async () => {
  ({ server, clock } = await startServer());
  as = callers(server);
});
afterAll(async () => {
  await server?.close();
});

async function coupon(overrides: Partial<Schemas['PromotionInput']> = {}) {
  const code = uniqueCode('LIMIT');
  const created = await as.admin().promotion.createPlatformDiscount({ body: { name: 'Terbatas', type: 'fixed_amount', amount: 5_000, code, ...overrides } });
  return { ...created, code };
}

const reference = () => fakeId('chk');
const stats = (promotionId: string) => as.admin().promotion.getPlatformDiscountStats({ params: { promotionId } });

describe('limits under concurrency', () => {
  test('a total limit of 5 and 40 concurrent reservations: exactly 5 succeed, the rest 409', async () => {
    const promotion = await coupon({ usageLimit: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () =>
        as.order().promotion.reservePromotionRedemption({
          body: { reference: reference(), customerId: fakeId('usr'), promotions: [{ promotionId: promotion.id, amount: 5_000 }] },
        }),
      ),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(5);
    for (const failure of lost) expect(failure.reason).toMatchObject({ status: 409, code: 'PROMOTION_LIMIT_REACHED' });
    expect(await stats(promotion.id)).toMatchObject({ used: 5, usageLimit: 5, active: 5, discountReserved: 25_000 });
  });

  test('a per-customer limit of 1 and 10 concurrent reservations by one customer: exactly 1', async () => {
    const promotion = await coupon({ perCustomerLimit: 1 });
    const customerId = fakeId('usr');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        as.order().promotion.reservePromotionRedemption({ body: { reference: reference(), customerId, codes: [promotion.code.toLowerCase()] } }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 409, code: 'PROMOTION_LIMIT_REACHED' });
    // Another customer still may, and the failed attempts left no count behind.
    await as.order().promotion.reservePromotionRedemption({ body: { reference: reference(), customerId: fakeId('usr'), codes: [promotion.code] } });
    expect(await stats(promotion.id)).toMatchObject({ used: 2, active: 2 });
  });

  test('released and expired redemptions return to the pool; committed ones stay counted; an expired one paid late is committed', async () => {
    const promotion = await coupon({ usageLimit: 2 });
    const reserve = (customerId = fakeId('usr')) =>
      as.order().promotion.reservePromotionRedemption({
        body: { reference: reference(), customerId, promotions: [{ promotionId: promotion.id, amount: 5_000 }], ttlSeconds: 60 },
      });
    const first = await reserve();
    const second = await reserve();
    await expectProblem(reserve(), 409, 'PROMOTION_LIMIT_REACHED');

    await as.order().promotion.releasePromotionRedemption({ params: { redemptionId: first.id } });
    const third = await reserve();
    await as.order().promotion.commitPromotionRedemption({ params: { redemptionId: third.id } });
    await expectProblem(reserve(), 409, 'PROMOTION_LIMIT_REACHED');

    // `second` runs out; the scheduled job gives its use back, and another checkout takes it.
    clock.advance(61_000);
    await server.jobs.tick();
    const fourth = await reserve();
    await as.order().promotion.commitPromotionRedemption({ params: { redemptionId: fourth.id } });
    await expectProblem(reserve(), 409, 'PROMOTION_LIMIT_REACHED');
    // A committed redemption cannot be released back into the pool, nor a released one committed.
    await expectProblem(as.order().promotion.releasePromotionRedemption({ params: { redemptionId: fourth.id } }), 409, 'PROMOTION_REDEMPTION_NOT_ACTIVE');
    await expectProblem(as.order().promotion.commitPromotionRedemption({ params: { redemptionId: first.id } }), 409, 'PROMOTION_REDEMPTION_NOT_ACTIVE');
    expect(await stats(promotion.id)).toMatchObject({ used: 2, active: 0, committed: 2, released: 1, expired: 1, discountCommitted: 10_000 });

    // `second`'s checkout was paid after all (late): it is committed, its use counted again past the limit, once.
    const late = await as.order().promotion.commitPromotionRedemption({ params: { redemptionId: second.id } });
    expect(late.status).toBe('committed');
    await as.order().promotion.commitPromotionRedemption({ params: { redemptionId: second.id } });
    expect(await stats(promotion.id)).toMatchObject({
      used: 3,
      usageLimit: 2,
      active: 0,
      committed: 3,
      released: 1,
      expired: 0,
      discountReserved: 0,
      discountCommitted: 15_000,
    });
    await expectProblem(reserve(), 409, 'PROMOTION_LIMIT_REACHED');
  });
  test('two promotions per checkout, named in either order by 30 concurrent checkouts: no deadlock, the tighter limit holds', async () => {
    const loose = await coupon({ usageLimit: 100 });
    const tight = await coupon({ usageLimit: 7 });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, index) => {
        const pair = [{ promotionId: loose.id }, { promotionId: tight.id }];
        return as.order().promotion.reservePromotionRedemption({
          body: { reference: reference(), customerId: fakeId('usr'), promotions: index % 2 === 0 ? pair : pair.reverse() },
        });
      }),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(7);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 409, code: 'PROMOTION_LIMIT_REACHED' });
    // The refused checkouts gave back the use of the loose one they had taken first.
    expect(await stats(loose.id)).toMatchObject({ used: 7 });
    expect(await stats(tight.id)).toMatchObject({ used: 7 });
  });
});

describe('reservations', () => {
  test('idempotent per reference: the same call returns the same redemption, other promotions 409', async () => {
    const promotion = await coupon({ usageLimit: 10 });
    const other = await coupon();
    const ref = reference();
    const body = { reference: ref, customerId: fakeId('usr'), promotions: [{ promotionId: promotion.id, amount: 5_000 }] };
    const results = await Promise.all(Array.from({ length: 5 }, () => as.order().promotion.reservePromotionRedemption({ body })));
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(await stats(promotion.id)).toMatchObject({ used: 1 });
    await expectProblem(
      as.order().promotion.reservePromotionRedemption({ body: { ...body, promotions: [{ promotionId: other.id }] } }),
      409,
      'PROMOTION_REDEMPTION_MISMATCH',
    );
  });

  test('all or none: one used-up promotion rolls back the uses of the others', async () => {
    const plenty = await coupon({ usageLimit: 100 });
    const none = await coupon({ usageLimit: 1 });
    await as.order().promotion.reservePromotionRedemption({ body: { reference: reference(), customerId: null, promotions: [{ promotionId: none.id }] } });
    await expectProblem(
      as.order().promotion.reservePromotionRedemption({
        body: { reference: reference(), customerId: null, promotions: [{ promotionId: plenty.id }, { promotionId: none.id }] },
      }),
      409,
      'PROMOTION_LIMIT_REACHED',
    );
    expect(await stats(plenty.id)).toMatchObject({ used: 0, active: 0 });
  });

  test('an expired code, an unknown code, a paused promotion: each its own 4xx, nothing counted', async () => {
    const now = clock.now().getTime();
    const expired = await coupon({ startsAt: new Date(now - 7_200_000).toISOString(), endsAt: new Date(now - 3_600_000).toISOString() });
    const paused = await coupon({ status: 'paused' });
    const order = as.order().promotion;
    await expectProblem(
      order.reservePromotionRedemption({ body: { reference: reference(), customerId: null, codes: [expired.code] } }),
      422,
      'PROMOTION_EXPIRED',
    );
    await expectProblem(
      order.reservePromotionRedemption({ body: { reference: reference(), customerId: null, codes: ['NOSUCHCODE'] } }),
      404,
      'PROMOTION_CODE_NOT_FOUND',
    );
    await expectProblem(
      order.reservePromotionRedemption({ body: { reference: reference(), customerId: null, codes: [paused.code] } }),
      422,
      'PROMOTION_PAUSED',
    );
    await expectProblem(
      order.reservePromotionRedemption({ body: { reference: reference(), customerId: null, promotions: [{ promotionId: fakeId('prm') }] } }),
      404,
      'PROMOTION_NOT_FOUND',
    );
    await expectProblem(order.reservePromotionRedemption({ body: { reference: reference(), customerId: null } }), 422, 'PROMOTION_INVALID_RULE');
    await expectProblem(
      order.reservePromotionRedemption({ body: { reference: reference(), customerId: null, promotionIds: [paused.id], codes: [paused.code] } }),
      422,
      'PROMOTION_INVALID_RULE',
    );
    await expectProblem(
      order.reservePromotionRedemption({ body: { reference: reference(), customerId: null, promotionIds: [expired.id] } }),
      422,
      'PROMOTION_EXPIRED',
    );
    expect(await stats(expired.id)).toMatchObject({ used: 0 });
  });

  test('by promotion ids alone (the discount counts as 0 in the stats)', async () => {
    const promotion = await coupon({ usageLimit: 3 });
    const redemption = await as
      .order()
      .promotion.reservePromotionRedemption({ body: { reference: reference(), customerId: fakeId('usr'), promotionIds: [promotion.id] } });
    expect(redemption).toMatchObject({ status: 'active', promotions: [{ promotionId: promotion.id, code: promotion.code.toUpperCase(), amount: 0 }] });
    expect(await stats(promotion.id)).toMatchObject({ used: 1, active: 1, discountReserved: 0 });
  });

  test('a code held by two owners cannot be reserved by code (only the evaluation knows which applied); by id it can', async () => {
    const shared = await coupon();
    const storeOwn = await as
      .store(fakeId('sto'))
      .promotion.createStoreDiscount({ body: { name: 'Toko', type: 'fixed_amount', amount: 1_000, code: shared.code.toLowerCase() } });
    await expectProblem(
      as.order().promotion.reservePromotionRedemption({ body: { reference: reference(), customerId: null, codes: [shared.code] } }),
      422,
      'PROMOTION_CODE_AMBIGUOUS',
    );
    expect(await stats(shared.id)).toMatchObject({ used: 0 });
    const byId = await as.order().promotion.reservePromotionRedemption({ body: { reference: reference(), customerId: null, promotionIds: [storeOwn.id] } });
    expect(byId.promotions).toEqual([{ promotionId: storeOwn.id, code: shared.code.toUpperCase(), amount: 0 }]);
  });

  test('only services redeem: a store session gets 403', async () => {
    const promotion = await coupon();
    await expectProblem(
      as.store(fakeId('sto')).promotion.reservePromotionRedemption({ body: { reference: reference(), customerId: null, codes: [promotion.code] } }),
      403,
      'SERVICE_CREDENTIAL_REQUIRED',
    );
  });
});
