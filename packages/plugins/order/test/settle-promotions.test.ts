import { eventually, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Checkout, checkoutBody, couponOf, productOf, redemptionsOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';

// Settling a paid checkout commits its promotion uses, and a commit that fails is not passed over:
// the promotion service failing (its redemptions table renamed away: a 500) fails the settling,
// which the job runs again until the uses are committed and the orders confirmed; a redemption
// whose hold ran out before the payment arrived is committed late, its uses counted again.

let server: TestServer;
beforeAll(async () => {
  server = await startCheckoutServer({ order: { settleIntervalMs: 200 } });
});
afterAll(async () => {
  await server?.close();
});

const usedCount = async (promotionId: string) =>
  Number(
    (await sql<{ used_count: number }>`select used_count from promotion.promotions where id = ${promotionId}`.execute(server.database.db)).rows[0]?.used_count,
  );

/** A paid-for checkout of one unit with a coupon of Rp5.000 off (limited to `usageLimit` uses). */
async function couponCheckout(usageLimit: number | null = 10) {
  const product = await productOf(server, { price: 40_000, stock: 5 });
  const coupon = await couponOf(server, product.storeId, { amount: 5_000, usageLimit });
  const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 1 }]);
  await buyer.client.cart.applyCartCoupon({ params: { cartId: buyer.cartId }, body: { code: coupon.code } });
  const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
  expect(checkout.total.amount).toBe(35_000);
  expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ active: 1 });
  return { product, coupon, buyer, checkout };
}

const pay = (buyer: Awaited<ReturnType<typeof shopper>>, checkout: Checkout) =>
  buyer.client.payment.simulatePayment({ params: { paymentId: checkout.payment?.id as string }, body: { outcome: 'paid' } });
const orderStatus = async (buyer: Awaited<ReturnType<typeof shopper>>, checkout: Checkout) =>
  (await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).orders[0]?.status;

describe('committing the promotion uses of a paid checkout', () => {
  test('a commit the promotion service fails holds the settling back, and the job gets it through once the service is back', { timeout: 60_000 }, async () => {
    const { product, coupon, buyer, checkout } = await couponCheckout();
    await sql`alter table promotion.redemptions rename to redemptions_broken`.execute(server.database.db);
    try {
      await pay(buyer, checkout);
      // Paid, the stock committed, but the orders wait for the promotion uses: settling fails and is retried.
      await eventually(async () => {
        const { rows } = await sql<{ status: string }>`select status from "order".checkouts where id = ${checkout.id}`.execute(server.database.db);
        expect(rows[0]?.status).toBe('paid');
        expect((await stockOf(server, product.variantId)).reserved).toBe(0);
      });
      // Several passes of the job (every 200 ms) later, still not confirmed.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await orderStatus(buyer, checkout)).toBe('pending_payment');
    } finally {
      await sql`alter table promotion.redemptions_broken rename to redemptions`.execute(server.database.db);
    }
    await eventually(async () => expect(await orderStatus(buyer, checkout)).toBe('paid'), 20_000);
    expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ committed: 1 });
    expect(await usedCount(coupon.promotionId)).toBe(1);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 4, reserved: 0 });
  });

  test('a redemption whose hold ran out before the payment arrived is committed late, its use counted again', { timeout: 60_000 }, async () => {
    const { coupon, buyer, checkout } = await couponCheckout(1);
    // The hold lapses (the promotion service expires it and gives the use back) before the customer pays.
    await sql`update promotion.redemptions set expires_at = now() - interval '1 minute'
      where id in (select redemption_id from promotion.redemption_items where promotion_id = ${coupon.promotionId})`.execute(server.database.db);
    await pay(buyer, checkout);
    await eventually(async () => expect(await orderStatus(buyer, checkout)).toBe('paid'), 20_000);
    // The customer paid the discounted price: the use is the promotion's again, and counted.
    expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ committed: 1 });
    expect(await usedCount(coupon.promotionId)).toBe(1);
  });
});
