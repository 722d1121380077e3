import type { TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callers, fakeId, line, type Schemas, startServer } from './support.js';

// The table of evaluation cases, through HTTP as the cart calls it. Every case runs in a currency
// of its own, so the automatic promotions of one case never reach another's cart.

const STORE_A = fakeId('sto');
const STORE_B = fakeId('sto');
const STORE_C = fakeId('sto');
const HOUR = 3_600_000;

type Owner = 'platform' | string;
interface PromotionSetup {
  /** How the case refers to it; also its name, and its code when `coupon` is set. */
  key: string;
  owner: Owner;
  coupon?: boolean;
  /** A code several promotions of the case share (instead of the key). */
  sharedCode?: string;
  input: Omit<Schemas['PromotionInput'], 'name' | 'code' | 'currency'>;
}
interface Case {
  name: string;
  promotions: PromotionSetup[];
  lines: Schemas['EvaluationLineInput'][];
  shipping?: Schemas['EvaluationInput']['shipping'];
  codes?: string[];
  customer?: 'new' | 'ordered' | 'guest';
  expected: {
    discount: number;
    shippingDiscount?: number;
    /** Per line id: its allocations as [promotion key, amount], in evaluation order. */
    lines?: Record<string, Array<[string, number]>>;
    stores?: Record<string, { discount: number; shippingDiscount: number }>;
    /** The keys of the applied promotions, in order, with their funder. */
    applied: Array<[string, 'platform' | 'store']>;
    rejected?: Record<string, string>;
  };
}

const cases: Case[] = [
  {
    name: 'percentage, platform, automatic: rounded down, remainder to the largest fraction',
    promotions: [{ key: 'P10', owner: 'platform', input: { type: 'percentage', percentage: 10 } }],
    lines: [line('a', STORE_A, 100_000), line('b', STORE_B, 50_001)],
    // 10% of 150,001 is 15,000.1 → 15,000; shares 9,999.93 and 5,000.07 → 9,999 + 5,000, the unit left goes to a.
    expected: { discount: 15_000, lines: { a: [['P10', 10_000]], b: [['P10', 5_000]] }, applied: [['P10', 'platform']] },
  },
  {
    name: 'fixed amount coupon spread over three equal lines',
    promotions: [{ key: 'FIX', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 10_000 } }],
    lines: [line('a', STORE_A, 10_000), line('b', STORE_A, 10_000), line('c', STORE_B, 10_000)],
    codes: ['FIX'],
    expected: { discount: 10_000, lines: { a: [['FIX', 3_334]], b: [['FIX', 3_333]], c: [['FIX', 3_333]] }, applied: [['FIX', 'platform']] },
  },
  {
    name: 'fixed amount larger than the cart stops at the cart',
    promotions: [{ key: 'BIG', owner: 'platform', input: { type: 'fixed_amount', amount: 999_999_999_999 } }],
    lines: [line('a', STORE_A, 12_345, 2)],
    expected: { discount: 24_690, lines: { a: [['BIG', 24_690]] }, applied: [['BIG', 'platform']] },
  },
  {
    name: 'coupon codes match in any letter case',
    promotions: [{ key: 'CaseCode', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 1_000 } }],
    lines: [line('a', STORE_A, 10_000)],
    codes: ['casecode'],
    expected: { discount: 1_000, applied: [['CaseCode', 'platform']] },
  },
  {
    name: 'free shipping of one store, funded by that store: only its shipping',
    promotions: [{ key: 'SHIP', owner: STORE_A, coupon: true, input: { type: 'free_shipping' } }],
    lines: [line('a', STORE_A, 50_000), line('b', STORE_B, 50_000)],
    shipping: [
      { storeId: STORE_A, amount: 15_000 },
      { storeId: STORE_B, amount: 9_000 },
    ],
    codes: ['SHIP'],
    expected: {
      discount: 0,
      shippingDiscount: 15_000,
      stores: { [STORE_A]: { discount: 0, shippingDiscount: 15_000 }, [STORE_B]: { discount: 0, shippingDiscount: 0 } },
      applied: [['SHIP', 'store']],
    },
  },
  {
    name: 'buy 2 get 1: of 5 units one is free, the cheapest',
    promotions: [{ key: 'B2G1', owner: 'platform', input: { type: 'buy_x_get_y', buyQuantity: 2, getQuantity: 1 } }],
    lines: [line('a', STORE_A, 20_000, 3), line('b', STORE_A, 5_000, 2)],
    expected: { discount: 5_000, lines: { a: [], b: [['B2G1', 5_000]] }, applied: [['B2G1', 'platform']] },
  },
  {
    name: 'buy 1 get 1: of 4 units two are free, cheapest first across lines',
    promotions: [{ key: 'B1G1', owner: STORE_A, input: { type: 'buy_x_get_y', buyQuantity: 1, getQuantity: 1 } }],
    lines: [line('a', STORE_A, 20_000, 3), line('b', STORE_A, 5_000, 1)],
    expected: { discount: 25_000, lines: { a: [['B1G1', 20_000]], b: [['B1G1', 5_000]] }, applied: [['B1G1', 'store']] },
  },
  {
    name: 'minimum subtotal met exactly',
    promotions: [{ key: 'MIN', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 5_000, conditions: { minSubtotal: 100_000 } } }],
    lines: [line('a', STORE_A, 50_000, 2)],
    codes: ['MIN'],
    expected: { discount: 5_000, applied: [['MIN', 'platform']] },
  },
  {
    name: 'minimum subtotal missed by one: the code is refused with the reason',
    promotions: [{ key: 'MIN', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 5_000, conditions: { minSubtotal: 100_000 } } }],
    lines: [line('a', STORE_A, 99_999)],
    codes: ['MIN'],
    expected: { discount: 0, applied: [], rejected: { MIN: 'PROMOTION_CONDITIONS_NOT_MET' } },
  },
  {
    name: 'product condition: only the named product is discounted',
    promotions: [
      { key: 'PROD', owner: 'platform', input: { type: 'percentage', percentage: 50, conditions: { productIds: ['prod_00000000000000000000000001'] } } },
    ],
    lines: [line('a', STORE_A, 10_000, 1, { productId: 'prod_00000000000000000000000001' }), line('b', STORE_A, 10_000)],
    expected: { discount: 5_000, lines: { a: [['PROD', 5_000]], b: [] }, applied: [['PROD', 'platform']] },
  },
  {
    name: 'category condition: lines in any of the categories',
    promotions: [{ key: 'CAT', owner: 'platform', input: { type: 'percentage', percentage: 20, conditions: { categories: ['kopi', 'teh'] } } }],
    lines: [line('a', STORE_A, 10_000, 1, { categories: ['teh'] }), line('b', STORE_A, 30_000, 1, { categories: ['gula'] })],
    expected: { discount: 2_000, lines: { a: [['CAT', 2_000]], b: [] }, applied: [['CAT', 'platform']] },
  },
  {
    name: 'store condition on a platform promotion: only that store, funded by the platform',
    promotions: [{ key: 'STB', owner: 'platform', input: { type: 'fixed_amount', amount: 3_000, conditions: { storeIds: [STORE_B] } } }],
    lines: [line('a', STORE_A, 10_000), line('b', STORE_B, 10_000)],
    expected: {
      discount: 3_000,
      stores: { [STORE_A]: { discount: 0, shippingDiscount: 0 }, [STORE_B]: { discount: 3_000, shippingDiscount: 0 } },
      applied: [['STB', 'platform']],
    },
  },
  {
    name: "a store's promotion covers only its own lines",
    promotions: [{ key: 'OWN', owner: STORE_A, input: { type: 'percentage', percentage: 10 } }],
    lines: [line('a', STORE_A, 10_000), line('b', STORE_B, 10_000)],
    expected: { discount: 1_000, lines: { a: [['OWN', 1_000]], b: [] }, applied: [['OWN', 'store']] },
  },
  {
    name: 'first order: a customer who never ordered gets it',
    promotions: [{ key: 'FIRST', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 20_000, conditions: { firstOrderOnly: true } } }],
    lines: [line('a', STORE_A, 50_000)],
    codes: ['FIRST'],
    customer: 'new',
    expected: { discount: 20_000, applied: [['FIRST', 'platform']] },
  },
  {
    name: 'first order: a customer who has ordered does not',
    promotions: [{ key: 'FIRST', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 20_000, conditions: { firstOrderOnly: true } } }],
    lines: [line('a', STORE_A, 50_000)],
    codes: ['FIRST'],
    customer: 'ordered',
    expected: { discount: 0, applied: [], rejected: { FIRST: 'PROMOTION_CONDITIONS_NOT_MET' } },
  },
  {
    name: 'first order: a guest does not (unknown customer)',
    promotions: [{ key: 'FIRST', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 20_000, conditions: { firstOrderOnly: true } } }],
    lines: [line('a', STORE_A, 50_000)],
    codes: ['FIRST'],
    customer: 'guest',
    expected: { discount: 0, applied: [], rejected: { FIRST: 'PROMOTION_CONDITIONS_NOT_MET' } },
  },
  {
    name: 'combinable promotions stack by priority, each on what the one before left',
    promotions: [
      { key: 'LOW', owner: 'platform', input: { type: 'fixed_amount', amount: 5_000, priority: 5 } },
      { key: 'HIGH', owner: 'platform', input: { type: 'percentage', percentage: 10, priority: 10 } },
    ],
    lines: [line('a', STORE_A, 100_000)],
    expected: {
      discount: 15_000,
      lines: {
        a: [
          ['HIGH', 10_000],
          ['LOW', 5_000],
        ],
      },
      applied: [
        ['HIGH', 'platform'],
        ['LOW', 'platform'],
      ],
    },
  },
  {
    name: 'same priority: the older promotion first (percentage after fixed differs from before)',
    promotions: [
      { key: 'FIRSTMADE', owner: 'platform', input: { type: 'fixed_amount', amount: 10_000 } },
      { key: 'SECONDMADE', owner: 'platform', input: { type: 'percentage', percentage: 10 } },
    ],
    lines: [line('a', STORE_A, 100_000)],
    expected: {
      discount: 19_000,
      applied: [
        ['FIRSTMADE', 'platform'],
        ['SECONDMADE', 'platform'],
      ],
    },
  },
  {
    name: 'an exclusive promotion first shuts out the rest (the code says why)',
    promotions: [
      { key: 'EXCL', owner: 'platform', input: { type: 'percentage', percentage: 20, stacking: 'exclusive', priority: 10 } },
      { key: 'EXTRA', owner: STORE_A, coupon: true, input: { type: 'fixed_amount', amount: 5_000 } },
    ],
    lines: [line('a', STORE_A, 100_000)],
    codes: ['EXTRA'],
    expected: { discount: 20_000, applied: [['EXCL', 'platform']], rejected: { EXTRA: 'PROMOTION_NOT_COMBINABLE' } },
  },
  {
    name: 'an exclusive coupon after a combinable promotion is refused',
    promotions: [
      { key: 'AUTO', owner: 'platform', input: { type: 'percentage', percentage: 10, priority: 10 } },
      { key: 'SOLO', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 50_000, stacking: 'exclusive' } },
    ],
    lines: [line('a', STORE_A, 100_000)],
    codes: ['SOLO'],
    expected: { discount: 10_000, applied: [['AUTO', 'platform']], rejected: { SOLO: 'PROMOTION_NOT_COMBINABLE' } },
  },
  {
    name: 'store-funded and platform-funded together, each reported with its funder',
    promotions: [
      { key: 'STORE10', owner: STORE_A, input: { type: 'percentage', percentage: 10, priority: 10 } },
      { key: 'PLAT', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 6_000 } },
    ],
    lines: [line('a', STORE_A, 40_000), line('b', STORE_B, 20_000)],
    codes: ['PLAT'],
    // STORE10: 4,000 on a. PLAT: 6,000 over what is left (36,000 and 20,000): 3,857.14 → 3,857, 2,142.86 → 2,142 +1.
    expected: {
      discount: 10_000,
      lines: {
        a: [
          ['STORE10', 4_000],
          ['PLAT', 3_857],
        ],
        b: [['PLAT', 2_143]],
      },
      stores: { [STORE_A]: { discount: 7_857, shippingDiscount: 0 }, [STORE_B]: { discount: 2_143, shippingDiscount: 0 } },
      applied: [
        ['STORE10', 'store'],
        ['PLAT', 'platform'],
      ],
    },
  },
  {
    name: 'expired, not yet started, paused and unknown codes: each its own reason',
    promotions: [
      { key: 'OLD', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 1_000, startsAt: 'past-2h', endsAt: 'past-1h' } },
      { key: 'SOON', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 1_000, startsAt: 'future-1h' } },
      { key: 'HELD', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 1_000, status: 'paused' } },
    ],
    lines: [line('a', STORE_A, 10_000)],
    codes: ['OLD', 'SOON', 'HELD', 'NOSUCHCODE'],
    expected: {
      discount: 0,
      applied: [],
      rejected: { OLD: 'PROMOTION_EXPIRED', SOON: 'PROMOTION_NOT_STARTED', HELD: 'PROMOTION_PAUSED', NOSUCHCODE: 'PROMOTION_CODE_NOT_FOUND' },
    },
  },
  {
    name: 'an automatic promotion outside its window does not apply',
    promotions: [
      { key: 'GONE', owner: 'platform', input: { type: 'percentage', percentage: 50, startsAt: 'past-2h', endsAt: 'past-1h' } },
      { key: 'LATER', owner: 'platform', input: { type: 'percentage', percentage: 50, startsAt: 'future-1h' } },
    ],
    lines: [line('a', STORE_A, 10_000)],
    expected: { discount: 0, applied: [] },
  },
  {
    name: "a store's exclusive promotion shuts out the others on its own lines only",
    promotions: [
      { key: 'EXA', owner: STORE_A, input: { type: 'percentage', percentage: 20, stacking: 'exclusive', priority: 10 } },
      { key: 'PLAT', owner: 'platform', input: { type: 'fixed_amount', amount: 6_000, priority: 5 } },
      { key: 'OWNB', owner: STORE_B, input: { type: 'percentage', percentage: 10, priority: 1 } },
    ],
    lines: [line('a', STORE_A, 100_000), line('b', STORE_B, 50_000)],
    // EXA: 20,000 on a. PLAT covers a and b but may touch only b: 6,000. OWNB: 10% of the 44,000 left of b.
    expected: {
      discount: 30_400,
      lines: {
        a: [['EXA', 20_000]],
        b: [
          ['PLAT', 6_000],
          ['OWNB', 4_400],
        ],
      },
      applied: [
        ['EXA', 'store'],
        ['PLAT', 'platform'],
        ['OWNB', 'store'],
      ],
    },
  },
  {
    name: "a store's exclusive coupon after a platform promotion on its lines is refused",
    promotions: [
      { key: 'AUTO', owner: 'platform', input: { type: 'percentage', percentage: 10, priority: 10 } },
      { key: 'SOLOA', owner: STORE_A, coupon: true, input: { type: 'fixed_amount', amount: 5_000, stacking: 'exclusive' } },
    ],
    lines: [line('a', STORE_A, 100_000)],
    codes: ['SOLOA'],
    expected: { discount: 10_000, applied: [['AUTO', 'platform']], rejected: { SOLOA: 'PROMOTION_NOT_COMBINABLE' } },
  },
  {
    name: "a store's exclusive coupon applies beside another store's promotion",
    promotions: [
      { key: 'A10', owner: STORE_A, input: { type: 'percentage', percentage: 10, priority: 10 } },
      { key: 'SOLOB', owner: STORE_B, coupon: true, input: { type: 'fixed_amount', amount: 5_000, stacking: 'exclusive' } },
    ],
    lines: [line('a', STORE_A, 100_000), line('b', STORE_B, 20_000)],
    codes: ['SOLOB'],
    expected: {
      discount: 15_000,
      lines: { a: [['A10', 10_000]], b: [['SOLOB', 5_000]] },
      applied: [
        ['A10', 'store'],
        ['SOLOB', 'store'],
      ],
    },
  },
  {
    name: "a platform's exclusive coupon after a store's exclusive promotion is refused",
    promotions: [
      { key: 'EXA', owner: STORE_A, input: { type: 'percentage', percentage: 20, stacking: 'exclusive', priority: 10 } },
      { key: 'PEX', owner: 'platform', coupon: true, input: { type: 'fixed_amount', amount: 1_000, stacking: 'exclusive' } },
    ],
    lines: [line('a', STORE_A, 100_000), line('b', STORE_B, 10_000)],
    codes: ['PEX'],
    expected: { discount: 20_000, applied: [['EXA', 'store']], rejected: { PEX: 'PROMOTION_NOT_COMBINABLE' } },
  },
  {
    name: "a store's exclusive free shipping keeps the platform's free shipping off its shipping",
    promotions: [
      { key: 'SHIPA', owner: STORE_A, input: { type: 'free_shipping', stacking: 'exclusive', priority: 10 } },
      { key: 'SHIPALL', owner: 'platform', coupon: true, input: { type: 'free_shipping' } },
    ],
    lines: [line('a', STORE_A, 50_000), line('b', STORE_B, 50_000)],
    shipping: [
      { storeId: STORE_A, amount: 15_000 },
      { storeId: STORE_B, amount: 9_000 },
    ],
    codes: ['SHIPALL'],
    expected: {
      discount: 0,
      shippingDiscount: 24_000,
      stores: { [STORE_A]: { discount: 0, shippingDiscount: 15_000 }, [STORE_B]: { discount: 0, shippingDiscount: 9_000 } },
      applied: [
        ['SHIPA', 'store'],
        ['SHIPALL', 'platform'],
      ],
    },
  },
  {
    name: 'one code held by two stores in the cart and one outside it: both stores in the cart apply theirs',
    promotions: [
      { key: 'HA', owner: STORE_A, coupon: true, sharedCode: 'HEMAT10', input: { type: 'percentage', percentage: 10 } },
      { key: 'HB', owner: STORE_B, coupon: true, sharedCode: 'HEMAT10', input: { type: 'fixed_amount', amount: 2_000 } },
      { key: 'HC', owner: STORE_C, coupon: true, sharedCode: 'HEMAT10', input: { type: 'percentage', percentage: 50 } },
    ],
    lines: [line('a', STORE_A, 50_000), line('b', STORE_B, 30_000)],
    codes: ['hemat10'],
    expected: {
      discount: 7_000,
      lines: { a: [['HA', 5_000]], b: [['HB', 2_000]] },
      applied: [
        ['HA', 'store'],
        ['HB', 'store'],
      ],
    },
  },
  {
    name: 'one code in two stores, one of them not met: the code stands, for the one that applies',
    promotions: [
      { key: 'HA', owner: STORE_A, coupon: true, sharedCode: 'HEMAT10', input: { type: 'percentage', percentage: 10, conditions: { minSubtotal: 100_000 } } },
      { key: 'HB', owner: STORE_B, coupon: true, sharedCode: 'HEMAT10', input: { type: 'fixed_amount', amount: 2_000 } },
    ],
    lines: [line('a', STORE_A, 50_000), line('b', STORE_B, 30_000)],
    codes: ['HEMAT10'],
    expected: { discount: 2_000, lines: { a: [], b: [['HB', 2_000]] }, applied: [['HB', 'store']] },
  },
  {
    name: 'a code that only a store outside the cart holds: conditions not met (not unknown)',
    promotions: [{ key: 'HC', owner: STORE_C, coupon: true, sharedCode: 'ELSEWHERE', input: { type: 'percentage', percentage: 50 } }],
    lines: [line('a', STORE_A, 50_000)],
    codes: ['ELSEWHERE'],
    expected: { discount: 0, applied: [], rejected: { ELSEWHERE: 'PROMOTION_CONDITIONS_NOT_MET' } },
  },
];

let server: TestServer;
let as: ReturnType<typeof callers>;
let now: Date;
let currencies = 0;

beforeAll(async () => {
  const started = await startServer();
  server = started.server;
  now = started.clock.now();
  as = callers(server);
});
afterAll(async () => {
  await server?.close();
});

/** A currency of its own for each case: `XAA`, `XAB`, … */
function nextCurrency(): string {
  const n = currencies++;
  return `X${String.fromCharCode(65 + Math.floor(n / 26))}${String.fromCharCode(65 + (n % 26))}`;
}

function at(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^(past|future)-(\d+)h$/.exec(value);
  if (!match) return value;
  return new Date(now.getTime() + (match[1] === 'past' ? -1 : 1) * Number(match[2]) * HOUR).toISOString();
}

describe('evaluatePromotions', () => {
  test.each(cases)('$name', async (testCase) => {
    const currency = nextCurrency();
    const suffix = currency;
    const ids = new Map<string, string>();
    const codes = new Map<string, string>();
    for (const setup of testCase.promotions) {
      const code = setup.coupon ? `${setup.sharedCode ?? setup.key}${suffix}` : undefined;
      const startsAt = at(setup.input.startsAt);
      const endsAt = at(setup.input.endsAt ?? undefined);
      const body: Schemas['PromotionInput'] = {
        ...setup.input,
        name: setup.key,
        currency,
        ...(code ? { code } : {}),
        ...(startsAt ? { startsAt } : {}),
        ...(endsAt ? { endsAt } : {}),
      };
      const created =
        setup.owner === 'platform'
          ? await as.admin().promotion.createPlatformDiscount({ body })
          : await as.store(setup.owner).promotion.createStoreDiscount({ body });
      ids.set(setup.key, created.id);
      if (code) codes.set((setup.sharedCode ?? setup.key).toUpperCase(), code.toUpperCase());
    }
    const key = (id: string) => [...ids].find(([, value]) => value === id)?.[0];

    let customerId: string | null = fakeId('usr');
    if (testCase.customer === 'guest') customerId = null;
    if (testCase.customer === 'ordered') {
      // Stands in for order.placed, which feeds this projection once the order service exists.
      await sql`insert into promotion.ordering_customers (customer_id, first_order_at) values (${customerId}, now())`.execute(server.database.db);
    }
    const requested = (testCase.codes ?? []).map((code) => {
      const known = codes.get(code.toUpperCase());
      if (!known) return code;
      return code === code.toUpperCase() ? known : known.toLowerCase();
    });

    const result = await as.cart().promotion.evaluatePromotions({
      body: { currency, customerId, couponCodes: requested, lines: testCase.lines, shipping: testCase.shipping ?? [] },
    });

    const { expected } = testCase;
    expect(result.discount).toBe(expected.discount);
    expect(result.shippingDiscount).toBe(expected.shippingDiscount ?? 0);
    expect(result.applied.map((applied) => [key(applied.promotionId), applied.fundedBy])).toEqual(expected.applied);
    for (const applied of result.applied) {
      expect(applied.storeId).toBe(applied.fundedBy === 'store' ? testCase.promotions.find((setup) => setup.key === key(applied.promotionId))?.owner : null);
    }
    // Line allocations add up to each line's discount, the lines to the total, the stores to the total.
    for (const evaluated of result.lines) {
      expect(evaluated.allocations.reduce((sum, allocation) => sum + allocation.amount, 0)).toBe(evaluated.discount);
    }
    expect(result.lines.reduce((sum, evaluated) => sum + evaluated.discount, 0)).toBe(result.discount);
    expect(result.stores.reduce((sum, store) => sum + store.discount, 0)).toBe(result.discount);
    if (expected.lines) {
      const byLine = Object.fromEntries(result.lines.map((evaluated) => [evaluated.lineId, evaluated.allocations.map((a) => [key(a.promotionId), a.amount])]));
      expect(byLine).toMatchObject(expected.lines);
    }
    if (expected.stores) {
      expect(Object.fromEntries(result.stores.map(({ storeId, ...rest }) => [storeId, rest]))).toEqual(expected.stores);
    }
    const rejected = Object.fromEntries(result.rejectedCodes.map((entry) => [entry.code.replace(suffix, ''), entry.reason]));
    expect(rejected).toEqual(expected.rejected ?? {});
  });

  test('amounts that cannot add up exactly are a 422, not a wrong answer', async () => {
    const problem = await as
      .cart()
      .promotion.evaluatePromotions({
        body: { currency: 'IDR', customerId: null, couponCodes: [], lines: [line('a', STORE_A, 999_999_999_999, 1_000_000_000)], shipping: [] },
      })
      .catch((error) => error);
    expect(problem).toMatchObject({ status: 422, code: 'PROMOTION_AMOUNT_TOO_LARGE' });
  });

  test('only services evaluate: a customer gets 403, nobody 401', async () => {
    const body = { currency: 'IDR', customerId: null, couponCodes: [], lines: [line('a', STORE_A, 1_000)], shipping: [] };
    await expect(as.customer().promotion.evaluatePromotions({ body })).rejects.toMatchObject({ status: 403 });
    await expect(as.guest().promotion.evaluatePromotions({ body })).rejects.toMatchObject({ status: 401 });
  });
});
