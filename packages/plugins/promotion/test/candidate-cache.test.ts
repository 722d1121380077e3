import { type ManualClock, schemaStatements, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promotionPlugin } from '../src/index.js';
import { callers, fakeId, line, type Schemas, startServer } from './support.js';

// The candidates evaluation keeps (`candidateCacheMs`), through HTTP as the cart calls it. The
// clock stands still unless a test moves it, and the cache is kept a minute: whatever a test sees
// change, the cache did not drop by age. Every test runs in a currency of its own, so no kept
// question of one test is another's.

let server: TestServer;
let clock: ManualClock;
let as: ReturnType<typeof callers>;
let currencies = 0;

beforeAll(async () => {
  ({ server, clock } = await startServer({ sweepIntervalSeconds: 3600, candidateCacheMs: 60_000 }));
  as = callers(server);
});
afterAll(async () => {
  await server?.close();
});

/** A currency of its own for each test: `YAA`, `YAB`, … */
function nextCurrency(): string {
  const n = currencies++;
  return `Y${String.fromCharCode(65 + Math.floor(n / 26))}${String.fromCharCode(65 + (n % 26))}`;
}

/** A cart of one line of 100,000 of the store, for a new customer unless told. */
function cartOf(currency: string, storeId: string, customerId: string | null = fakeId('usr')): Schemas['EvaluationInput'] {
  return { currency, customerId, couponCodes: [], lines: [line('a', storeId, 100_000)], shipping: [] };
}

/**
 * The evaluation and the statements it sent to the promotions table (every read of evaluation
 * touches it; the scheduled sweep of redemptions, which may run meanwhile, does not).
 */
async function evaluated(server: TestServer, body: Schemas['EvaluationInput']) {
  const { result, statements } = await schemaStatements(server, 'promotion', () => callers(server).cart().promotion.evaluatePromotions({ body }));
  // Sorted: promotions made in the same millisecond (the clock stands still) have no set order.
  return {
    discount: result.discount,
    applied: result.applied.map((applied) => applied.promotionId).sort(),
    statements: statements.filter((text) => text.includes('"promotion"."promotions"')).length,
  };
}

const tenPercent = (currency: string, extra: Partial<Schemas['PromotionInput']> = {}): Schemas['PromotionInput'] => ({
  name: 'Sepuluh persen',
  type: 'percentage',
  percentage: 10,
  currency,
  ...extra,
});

describe('kept candidates', () => {
  test('a cart whose stores have no promotion, evaluated again while kept, sends no statement', async () => {
    const currency = nextCurrency();
    const storeId = fakeId('sto');
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 0, applied: [], statements: 1 });
    // Another customer, a guest, the same question: nothing to read.
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 0, applied: [], statements: 0 });
    expect(await evaluated(server, cartOf(currency, storeId, null))).toEqual({ discount: 0, applied: [], statements: 0 });
    // Another question (one more store) is read once.
    const two = { ...cartOf(currency, storeId), lines: [line('a', storeId, 100_000), line('b', fakeId('sto'), 50_000)] };
    expect((await evaluated(server, two)).statements).toBe(1);
    expect((await evaluated(server, two)).statements).toBe(0);
  });

  test('a promotion without limits is kept whole; one with a total limit has its uses read fresh, so a use taken shows at once', async () => {
    const currency = nextCurrency();
    const storeId = fakeId('sto');
    const open = await as.store(storeId).promotion.createStoreDiscount({ body: tenPercent(currency) });
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [open.id], statements: 1 });
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [open.id], statements: 0 });

    const limited = await as.admin().promotion.createPlatformDiscount({
      body: { name: 'Terbatas', type: 'fixed_amount', amount: 5_000, currency, usageLimit: 1 },
    });
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 15_000, applied: [open.id, limited.id].sort(), statements: 1 });
    // Kept rows, fresh uses: one statement, for the limited promotion only.
    expect(await evaluated(server, cartOf(currency, storeId))).toMatchObject({ discount: 15_000, statements: 1 });
    await as.order().promotion.reservePromotionRedemption({ body: { reference: fakeId('chk'), customerId: fakeId('usr'), promotionIds: [limited.id] } });
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [open.id], statements: 1 });
  });

  test("a customer's own uses and first-order standing are read fresh, for a customer only", async () => {
    const currency = nextCurrency();
    const storeId = fakeId('sto');
    const customerId = fakeId('usr');
    const once = await as.store(storeId).promotion.createStoreDiscount({ body: tenPercent(currency, { perCustomerLimit: 1 }) });
    expect(await evaluated(server, cartOf(currency, storeId, customerId))).toEqual({ discount: 10_000, applied: [once.id], statements: 1 });
    // A guest's cart needs no standing (the limit is checked at checkout, where a customer is named).
    expect(await evaluated(server, cartOf(currency, storeId, null))).toEqual({ discount: 10_000, applied: [once.id], statements: 0 });
    await as.order().promotion.reservePromotionRedemption({ body: { reference: fakeId('chk'), customerId, promotionIds: [once.id] } });
    expect(await evaluated(server, cartOf(currency, storeId, customerId))).toEqual({ discount: 0, applied: [], statements: 1 });
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [once.id], statements: 1 });
  });

  test('a kept promotion applies only inside its window, judged at each evaluation', async () => {
    const currency = nextCurrency();
    const storeId = fakeId('sto');
    const now = clock.now().getTime();
    const ending = await as.store(storeId).promotion.createStoreDiscount({ body: tenPercent(currency, { endsAt: new Date(now + 10_000).toISOString() }) });
    const starting = await as
      .store(storeId)
      .promotion.createStoreDiscount({ body: tenPercent(currency, { name: 'Nanti', startsAt: new Date(now + 10_000).toISOString() }) });
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [ending.id], statements: 1 });
    clock.advance(20_000);
    // Still kept (no statement), yet the ended promotion no longer applies and the started one does.
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [starting.id], statements: 0 });
    // Past the time kept, read again.
    clock.advance(60_000);
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 10_000, applied: [starting.id], statements: 1 });
  });

  test("this process's own changes are seen by the next evaluation: created, paused, resumed, ended", async () => {
    const currency = nextCurrency();
    const storeId = fakeId('sto');
    const store = () => as.store(storeId).promotion;
    expect(await evaluated(server, cartOf(currency, storeId))).toEqual({ discount: 0, applied: [], statements: 1 });
    const created = await store().createStoreDiscount({ body: tenPercent(currency) });
    const params = { promotionId: created.id };
    expect(await evaluated(server, cartOf(currency, storeId))).toMatchObject({ discount: 10_000, applied: [created.id] });
    await store().updateStoreDiscount({ params, body: { status: 'paused' } });
    expect(await evaluated(server, cartOf(currency, storeId))).toMatchObject({ discount: 0, applied: [] });
    await store().updateStoreDiscount({ params, body: { status: 'active' } });
    expect(await evaluated(server, cartOf(currency, storeId))).toMatchObject({ discount: 10_000, applied: [created.id] });
    await store().updateStoreDiscount({ params, body: { endsAt: new Date(clock.now().getTime() + 1).toISOString() } });
    clock.advance(1);
    expect(await evaluated(server, cartOf(currency, storeId))).toMatchObject({ discount: 0, applied: [] });
  });
});

describe('candidateCacheMs', () => {
  test('0 turns the cache off: every evaluation reads its candidates, with the customer, in one statement', async () => {
    const started = await startServer({ sweepIntervalSeconds: 3600, candidateCacheMs: 0 });
    try {
      const storeId = fakeId('sto');
      const promotion = await callers(started.server)
        .store(storeId)
        .promotion.createStoreDiscount({ body: tenPercent('IDR', { perCustomerLimit: 1 }) });
      for (let round = 0; round < 2; round++) {
        expect(await evaluated(started.server, cartOf('IDR', storeId))).toEqual({ discount: 10_000, applied: [promotion.id], statements: 1 });
      }
    } finally {
      await started.server.close();
    }
  });

  test.each([-1, 1.5, 60_001, Number.NaN])('%s is refused when the plugin is made', (candidateCacheMs) => {
    expect(() => promotionPlugin({ candidateCacheMs })).toThrow(/candidateCacheMs must be a whole number of milliseconds from 0 to 60000/);
  });
});
