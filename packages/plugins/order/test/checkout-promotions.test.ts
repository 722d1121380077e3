import { newId } from '@tokobapak/server';
import { eventually, expectProblem, manualClock, storeSession, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type Checkout,
  checkoutBody,
  checkoutsOf,
  couponOf,
  expectSoldOut,
  paymentsFor,
  productOf,
  redemptionsOf,
  SOLD_OUT_CODES,
  shopper,
  startCheckoutServer,
  stockOf,
} from './checkout-support.js';

// A checkout redeems the cart's promotions through the promotion service, through the SDK: reserved
// with the stock, committed with it when paid, given back with it when the checkout is given up.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer();
});
afterAll(async () => {
  await server?.close();
});

/** A shopper whose cart holds `quantity` of the variant with the coupon applied. */
async function couponShopper(target: TestServer, variantId: string, code: string, quantity = 1) {
  const buyer = await shopper(target, [{ variantId, quantity }]);
  const cart = await buyer.client.cart.applyCartCoupon({ params: { cartId: buyer.cartId }, body: { code } });
  expect(cart.promotions.map((promotion) => promotion.code)).toEqual([code]);
  return buyer;
}

const pay = (buyer: { client: Awaited<ReturnType<typeof shopper>>['client'] }, checkout: Checkout, outcome: 'paid' | 'failed') =>
  buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome } });

describe('a checkout with a coupon', () => {
  test('stock 3, a coupon for 5 uses, 20 concurrent checkouts → 3 paid orders and exactly 3 committed uses, nothing left held', {
    timeout: 180_000,
  }, async () => {
    const scarce = await productOf(server, { price: 50_000, stock: 3 });
    const coupon = await couponOf(server, scarce.storeId, { amount: 10_000, usageLimit: 5 });
    const buyers = await Promise.all(Array.from({ length: 20 }, () => couponShopper(server, scarce.variantId, coupon.code)));
    const results = await Promise.allSettled(buyers.map((buyer) => buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) })));
    const placed = results.filter((result): result is PromiseFulfilledResult<Checkout> => result.status === 'fulfilled').map((result) => result.value);
    const refused = results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason);
    expect(placed).toHaveLength(3);
    expectSoldOut(refused, 17);
    expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ active: 3 });

    for (const checkout of placed) {
      // The discount is recorded per line, split by promotion, with the tax as it was.
      const [line] = checkout.orders[0]?.lines ?? [];
      expect(line?.discount.amount).toBe(10_000);
      expect(line?.discountAllocations).toEqual([{ promotionId: coupon.promotionId, amount: 10_000 }]);
      expect(line?.tax.amount).toBeGreaterThan(0);
      expect(checkout.total).toEqual(line?.total);
      await pay(buyers.find((buyer) => buyer.userId === checkout.customerId) as (typeof buyers)[number], checkout, 'paid');
    }
    await eventually(async () => {
      const orders = (await storeSession(server, scarce.storeId).order.listStoreOrders({})).items;
      expect(orders.map((order) => order.status)).toEqual(['paid', 'paid', 'paid']);
      expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ committed: 3 });
    }, 30_000);
    expect(await stockOf(server, scarce.variantId)).toEqual({ onHand: 0, reserved: 0 });
    const stats = await storeSession(server, scarce.storeId).promotion.getStoreDiscountStats({ params: { promotionId: coupon.promotionId } });
    expect(stats).toMatchObject({ used: 3, active: 0, committed: 3 });
    // No payment but the three paid ones; the refused checkouts hold nothing anywhere.
    const allCheckouts = (await Promise.all(buyers.map((buyer) => checkoutsOf(server, buyer.userId)))).flat();
    expect(
      (
        await paymentsFor(
          server,
          allCheckouts.map((checkout) => checkout.id),
        )
      ).map((payment) => payment.status),
    ).toEqual(['paid', 'paid', 'paid']);
    expect(allCheckouts.filter((checkout) => checkout.status !== 'paid').every((checkout) => SOLD_OUT_CODES.includes(checkout.failure_code ?? ''))).toBe(true);
  });

  test('a coupon for 1 use and 2 concurrent checkouts: one gets it, the other a 409 problem with nothing half-written', { timeout: 60_000 }, async () => {
    const item = await productOf(server, { price: 30_000, stock: 10 });
    const coupon = await couponOf(server, item.storeId, { amount: 5_000, usageLimit: 1 });
    const buyers = await Promise.all([0, 1].map(() => couponShopper(server, item.variantId, coupon.code, 2)));
    const results = await Promise.allSettled(buyers.map((buyer) => buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) })));
    const winner = results.findIndex((result) => result.status === 'fulfilled');
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const loser = buyers[1 - winner] as (typeof buyers)[number];
    const refusal = (results[1 - winner] as PromiseRejectedResult).reason;
    expect(refusal).toMatchObject({ status: 409, code: 'ORDER_PROMOTION_UNAVAILABLE' });
    // Refused by the reservation (the promotion service's code) or, when the winner's use was
    // already held, by the cart read that priced the coupon out: timing decides which.
    expect(refusal.problem.detail).toMatch(/^PROMOTION_LIMIT_REACHED: |coupon\(s\) of the cart no longer apply/);

    // Only the winner's stock and use are held; the loser's checkout failed and left no payment, order or hold.
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 10, reserved: 2 });
    expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ active: 1 });
    // Refused at the cart read, the loser has no checkout at all; refused later, one failed checkout.
    const loserCheckouts = await checkoutsOf(server, loser.userId);
    expect(loserCheckouts.length).toBeLessThanOrEqual(1);
    for (const failed of loserCheckouts) {
      expect(failed).toMatchObject({ status: 'failed', failure_code: 'ORDER_PROMOTION_UNAVAILABLE' });
      expect(await paymentsFor(server, [failed.id])).toEqual([]);
    }
    expect((await loser.client.order.listMyOrders({})).items).toEqual([]);
    expect((await loser.client.cart.getCart({ params: { cartId: loser.cartId } })).status).toBe('open');
  });

  test('a failed payment gives the coupon use back with the stock: the next customer gets it', { timeout: 60_000 }, async () => {
    const item = await productOf(server, { price: 25_000, stock: 5 });
    const coupon = await couponOf(server, item.storeId, { amount: 5_000, usageLimit: 1 });
    const first = await couponShopper(server, item.variantId, coupon.code);
    const checkout = await first.client.order.createCheckout({ body: checkoutBody(first.cartId) });
    expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ active: 1 });
    await pay(first, checkout, 'failed');
    await eventually(async () => {
      const current = await first.client.order.getCheckout({ params: { checkoutId: checkout.id } });
      expect(current.orders.map((order) => order.status)).toEqual(['cancelled']);
      expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ released: 1 });
    });
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 5, reserved: 0 });
    const second = await couponShopper(server, item.variantId, coupon.code);
    const next = await second.client.order.createCheckout({ body: checkoutBody(second.cartId) });
    expect(next.orders[0]?.totals.discount.amount).toBe(5_000);
  });

  test('a coupon used up between the cart and the checkout is refused at checkout, not silently dropped from the price', async () => {
    const item = await productOf(server, { price: 20_000, stock: 5 });
    const coupon = await couponOf(server, item.storeId, { amount: 2_000, usageLimit: 1 });
    const [early, late] = await Promise.all([couponShopper(server, item.variantId, coupon.code), couponShopper(server, item.variantId, coupon.code)]);
    await early.client.order.createCheckout({ body: checkoutBody(early.cartId) });
    const problem = await expectProblem(late.client.order.createCheckout({ body: checkoutBody(late.cartId) }), 409, 'ORDER_PROMOTION_UNAVAILABLE');
    expect(problem.errors).toEqual([{ pointer: `/cart/couponCodes/${coupon.code}`, message: 'PROMOTION_LIMIT_REACHED' }]);
    expect(await stockOf(server, item.variantId)).toEqual({ onHand: 5, reserved: 1 });
    // Without the coupon the customer checks out at the full price.
    await late.client.cart.removeCartCoupon({ params: { cartId: late.cartId, code: coupon.code } });
    expect((await late.client.order.createCheckout({ body: checkoutBody(late.cartId) })).total.amount).toBe(20_000);
  });
});

describe('an unpaid checkout with a coupon', () => {
  test('expires: the stock and the coupon use both come back', { timeout: 60_000 }, async () => {
    const clock = manualClock(new Date());
    const timed = await startCheckoutServer({ clock, order: { checkoutTtlSeconds: 60 } });
    try {
      const item = await productOf(timed, { price: 40_000, stock: 1 });
      const coupon = await couponOf(timed, item.storeId, { amount: 4_000, usageLimit: 1 });
      const buyer = await couponShopper(timed, item.variantId, coupon.code);
      const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
      expect(await stockOf(timed, item.variantId)).toEqual({ onHand: 1, reserved: 1 });
      expect(await redemptionsOf(timed, coupon.promotionId)).toEqual({ active: 1 });
      clock.advance(61_000);
      await eventually(async () => {
        await timed.jobs.tick();
        const current = await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } });
        expect(current.status).toBe('expired');
        expect(current.orders.map((order) => order.status)).toEqual(['cancelled']);
      });
      // Given back by the checkout's release, long before the promotion service's own expiry.
      expect(await redemptionsOf(timed, coupon.promotionId)).toEqual({ released: 1 });
      expect(await stockOf(timed, item.variantId)).toEqual({ onHand: 1, reserved: 0 });
      const next = await couponShopper(timed, item.variantId, coupon.code);
      const bought = await next.client.order.createCheckout({ body: checkoutBody(next.cartId) });
      expect(bought.orders[0]?.totals.discount.amount).toBe(4_000);
    } finally {
      await timed.close();
    }
  });
});

describe('a first-order coupon', () => {
  test('is used up by the first paid order, not by a checkout left unpaid; two at once cannot both take it', { timeout: 60_000 }, async () => {
    const clock = manualClock(new Date());
    const timed = await startCheckoutServer({ clock, order: { checkoutTtlSeconds: 60 } });
    try {
      const admin = timed.client({ accessToken: timed.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: `ses_${'0'.repeat(26)}` }) });
      const code = `PERTAMA${Date.now().toString(36).toUpperCase()}`;
      await admin.promotion.createPlatformDiscount({
        body: { name: 'Pembeli baru', type: 'fixed_amount', amount: 7_000, currency: 'IDR', code, conditions: { firstOrderOnly: true } },
      });
      const item = await productOf(timed, { price: 35_000, stock: 10 });
      const buyer = await couponShopper(timed, item.variantId, code);

      // Abandoned: the checkout expires unpaid, and the customer still has their first order ahead.
      const abandoned = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
      expect(abandoned.orders[0]?.totals.discount.amount).toBe(7_000);
      // While it is held, a second checkout of the same customer cannot take the coupon too.
      await expectProblem(buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) }), 409, 'ORDER_PROMOTION_UNAVAILABLE');
      clock.advance(61_000);
      await eventually(async () => {
        await timed.jobs.tick();
        const current = await buyer.client.order.getCheckout({ params: { checkoutId: abandoned.id } });
        expect([current.status, current.orders[0]?.status]).toEqual(['expired', 'cancelled']);
      });

      // Paid: now it was their first order, and the coupon no longer applies to their next cart.
      const paid = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
      expect(paid.orders[0]?.totals.discount.amount).toBe(7_000);
      await pay(buyer, paid, 'paid');
      await eventually(async () => {
        // The settling job runs on the manual clock.
        clock.advance(1_000);
        await timed.jobs.tick();
        expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('completed');
        const settled = await buyer.client.order.getCheckout({ params: { checkoutId: paid.id } });
        expect(settled.orders.map((order) => order.status)).toEqual(['paid']);
      });
      const next = await buyer.client.cart.createCart({ body: { currency: 'IDR' } });
      expect(next.id).not.toBe(buyer.cartId);
      await buyer.client.cart.addCartLine({ params: { cartId: next.id }, body: { variantId: item.variantId, quantity: 1 } });
      await eventually(async () => {
        // The order service's events reach the promotion service on the manual clock too.
        clock.advance(1_000);
        await timed.jobs.tick();
        const applied = buyer.client.cart.applyCartCoupon({ params: { cartId: next.id }, body: { code } });
        // Taken before the paid order's event reached the promotion service, the code stays on the
        // cart, and applying a code the cart has answers the cart as it is: take it off to try again.
        const accepted = await applied.then(
          () => true,
          () => false,
        );
        if (accepted) {
          await buyer.client.cart.removeCartCoupon({ params: { cartId: next.id, code } });
          throw new Error('the coupon still applied: the paid order has not reached the promotion service yet');
        }
        const problem = await expectProblem(applied, 422, 'CART_COUPON_REJECTED');
        expect(problem.detail).toBe(`${code}: PROMOTION_CONDITIONS_NOT_MET`);
      });
    } finally {
      await timed.close();
    }
  });
});

test('a checkout without promotions reserves none', async () => {
  const item = await productOf(server, { price: 12_000, stock: 2 });
  const buyer = await shopper(server, [{ variantId: item.variantId, quantity: 1 }]);
  const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
  expect(checkout.orders[0]?.lines[0]?.discountAllocations).toEqual([]);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from promotion.redemptions where reference = ${checkout.id}`.execute(server.database.db);
  expect(rows[0]?.n).toBe(0);
});
