import { manualClock, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutBody, checkoutsOf, couponOf, paymentsFor, productOf, redemptionsOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';

// A checkout whose payment was made but whose creation answered a failure (the outcome unknown to
// the checkout) is undone by looking the payment up by its reference and cancelling it. Here the
// payment service keeps failing while that happens: its sandbox gateway's books are renamed away,
// so the payment is written, its charge fails (a 5xx), and asking again fails the same way. The
// lookup's failure must not be taken for "there is no payment": the compensation fails, the
// process stays compensating (holding the stock and the coupon use), and the runner retries it,
// here driven by hand under a manual clock, until the payment service answers and the payment is
// cancelled.

const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  // The runner's own passes are left out of the way: the test drives each retry.
  server = await startCheckoutServer({ clock, processRecoveryIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await server?.close();
});

const breakGateway = () => sql`alter table payment.sandbox_transactions rename to sandbox_transactions_broken`.execute(server.database.db);
const mendGateway = () => sql`alter table payment.sandbox_transactions_broken rename to sandbox_transactions`.execute(server.database.db);

/** The checkout process of a request key, as the runner stored it. */
async function processOf(customerId: string, idempotencyKey: string) {
  const { rows } = await sql<{ status: string; steps: unknown }>`
    select status, steps from tokobapak.processes where plugin = 'order' and key = ${`checkout:${customerId}:${idempotencyKey}`}`.execute(server.database.db);
  const row = rows[0];
  if (!row) throw new Error('no checkout process');
  const steps = (typeof row.steps === 'string' ? JSON.parse(row.steps) : row.steps) as Array<{
    id: string;
    compensation?: { status: string; attempts: number };
  }>;
  return { status: row.status, compensation: steps.find((step) => step.id === 'create-payment')?.compensation };
}

describe('undoing a checkout whose payment outcome is unknown while the payment service fails', () => {
  test('the lookup failing fails the compensation, which is retried until the payment is cancelled; stock and coupon use are released then', async () => {
    const product = await productOf(server, { price: 50_000, stock: 5 });
    const coupon = await couponOf(server, product.storeId, { amount: 5_000, usageLimit: 10 });
    const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 2 }]);
    await buyer.client.cart.applyCartCoupon({ params: { cartId: buyer.cartId }, body: { code: coupon.code } });
    const accessToken = server.tokens.signAccessToken({ userId: buyer.userId, role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
    const idempotencyKey = 'payment-down';

    await breakGateway();
    let mended = false;
    try {
      const answer = await server.app.inject({
        method: 'POST',
        url: '/order/checkouts',
        headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': idempotencyKey },
        payload: checkoutBody(buyer.cartId),
      });
      // The payment service failed: a 503 to retry later, not a refusal of the customer's.
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      const [tried] = await checkoutsOf(server, buyer.userId);
      if (!tried) throw new Error('no checkout');
      // The payment was written before its charge failed: it exists, pending, and the checkout cannot tell.
      expect(await paymentsFor(server, [tried.id])).toEqual([{ reference: tried.id, status: 'pending' }]);
      // Not undone and not passed over: the compensation failed and waits for its retry, holding what it held.
      expect(await processOf(buyer.userId, idempotencyKey)).toEqual({
        status: 'compensating',
        compensation: expect.objectContaining({ status: 'failed', attempts: 1 }),
      });
      expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 2 });
      expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ active: 1 });
      expect(tried.status).toBe('processing');

      // Not before the retry is due; then, still failing, retried and failed again.
      expect(await server.processes.recover()).toBe(0);
      clock.advance(1_500);
      expect(await server.processes.recover()).toBe(1);
      expect(await processOf(buyer.userId, idempotencyKey)).toEqual({
        status: 'compensating',
        compensation: expect.objectContaining({ status: 'failed', attempts: 2 }),
      });
      expect(await paymentsFor(server, [tried.id])).toEqual([{ reference: tried.id, status: 'pending' }]);

      // The payment service answers again: the next retry finds the payment and cancels it, and the rest is undone.
      await mendGateway();
      mended = true;
      clock.advance(5_000);
      expect(await server.processes.recover()).toBe(1);
      expect(await processOf(buyer.userId, idempotencyKey)).toEqual({
        status: 'compensated',
        compensation: expect.objectContaining({ status: 'done', attempts: 3 }),
      });
      expect(await paymentsFor(server, [tried.id])).toEqual([{ reference: tried.id, status: 'cancelled' }]);
      expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 0 });
      expect(await redemptionsOf(server, coupon.promotionId)).toEqual({ released: 1 });
      expect((await checkoutsOf(server, buyer.userId)).map((row) => row.status)).toEqual(['failed']);
      expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('open');
    } finally {
      if (!mended) await mendGateway();
    }
  });
});
