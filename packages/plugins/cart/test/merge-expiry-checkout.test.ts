import { mergeGuestCart } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { customerSession, expectProblem, type ManualClock, manualClock, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linesOf, startServer, tokenHeader, variantOf } from './support.js';

let server: TestServer;
let clock: ManualClock;

beforeAll(async () => {
  clock = manualClock();
  server = await startServer({ clock, cart: { guestCartTtlDays: 30, customerCartTtlDays: 90, expirySweepIntervalSeconds: 86400 } });
});
afterAll(async () => {
  await server?.close();
});

async function guestCartWith(lines: Array<{ variantId: string; quantity: number }>) {
  const created = await server.client().cart.createCart({ body: {} });
  const headers = tokenHeader(created.token);
  for (const line of lines) await server.client().cart.addCartLine({ params: { cartId: created.id }, headers, body: line });
  return { cartId: created.id, token: created.token as string, headers };
}

describe('guest to customer merge', () => {
  test('every line kept, quantities capped by stock, the guest cart closed; merging again is safe', async () => {
    const both = await variantOf(server, { price: 1000, stock: 5 });
    const guestOnly = await variantOf(server, { price: 2000, stock: 4 });
    const soldOutLater = await variantOf(server, { price: 3000, stock: 2 });
    const userId = newId('usr');
    const shopper = customerSession(server, userId);
    const mine = await shopper.cart.createCart({ body: {} });
    await shopper.cart.addCartLine({ params: { cartId: mine.id }, body: { variantId: both.variantId, quantity: 3 } });
    const guest = await guestCartWith([
      { variantId: both.variantId, quantity: 4 },
      { variantId: guestOnly.variantId, quantity: 4 },
      { variantId: soldOutLater.variantId, quantity: 2 },
    ]);
    await soldOutLater.merchant.inventory.setVariantStock({ params: { variantId: soldOutLater.variantId }, body: { stockOnHand: 0 } });

    const merged = await mergeGuestCart(shopper, guest.token);
    expect(merged.id).toBe(mine.id);
    const byVariant = new Map(linesOf(merged).map((line) => [line.variantId, line]));
    expect(byVariant.get(both.variantId)).toMatchObject({ requestedQuantity: 5, quantity: 5, status: 'ok' }); // 3 + 4, capped at 5
    expect(byVariant.get(guestOnly.variantId)).toMatchObject({ requestedQuantity: 4, quantity: 4 });
    expect(byVariant.get(soldOutLater.variantId)).toMatchObject({ quantity: 0, status: 'unavailable' });
    expect(byVariant.size).toBe(3);

    await expectProblem(server.client().cart.getCart({ params: { cartId: guest.cartId }, headers: guest.headers }), 404, 'CART_NOT_FOUND');
    expect((await mergeGuestCart(shopper, guest.token)).id).toBe(mine.id);
    await expectProblem(mergeGuestCart(customerSession(server), guest.token), 404, 'CART_NOT_FOUND');
    await expectProblem(mergeGuestCart(shopper, 'ctk_unknown'), 404, 'CART_NOT_FOUND');
    await expectProblem(shopper.cart.mergeCart({}), 401, 'CART_TOKEN_REQUIRED');
  });

  test('a customer without a cart gets one from the merge', async () => {
    const { variantId } = await variantOf(server, { price: 1000, stock: 5 });
    const guest = await guestCartWith([{ variantId, quantity: 2 }]);
    const userId = newId('usr');
    const merged = await mergeGuestCart(customerSession(server, userId), guest.token);
    expect(merged).toMatchObject({ customerId: userId, status: 'open' });
    expect(linesOf(merged).map((line) => line.quantity)).toEqual([2]);
  });
});

describe('expiry', () => {
  test('the scheduled job expires idle guest carts after 30 days and customer carts after 90', async () => {
    const { variantId } = await variantOf(server, { price: 1000, stock: 5 });
    const guest = await guestCartWith([{ variantId, quantity: 1 }]);
    const userId = newId('usr');
    // Access tokens expire with the clock: a fresh session after each jump.
    const shopper = () => customerSession(server, userId);
    const mine = await shopper().cart.createCart({ body: {} });
    clock.advance(31 * 24 * 3600 * 1000);
    await server.jobs.tick();
    expect((await server.client().cart.getCart({ params: { cartId: guest.cartId }, headers: guest.headers })).status).toBe('expired');
    await expectProblem(
      server.client().cart.addCartLine({ params: { cartId: guest.cartId }, headers: guest.headers, body: { variantId, quantity: 1 } }),
      409,
      'CART_NOT_OPEN',
    );
    expect((await shopper().cart.getCart({ params: { cartId: mine.id } })).status).toBe('open');
    clock.advance(60 * 24 * 3600 * 1000);
    await server.jobs.tick();
    expect((await shopper().cart.getCart({ params: { cartId: mine.id } })).status).toBe('expired');
    const next = await shopper().cart.createCart({ body: {} });
    expect(next.id).not.toBe(mine.id);
  });
});

describe('for the order service', () => {
  test('getCheckoutCart and completeCart, idempotent per checkout; a completed cart never changes', async () => {
    const { variantId, storeId } = await variantOf(server, { price: 25000, stock: 5 });
    const userId = newId('usr');
    const shopper = customerSession(server, userId);
    const cart = await shopper.cart.createCart({ body: {} });
    await shopper.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity: 2 } });
    const order = serviceClient(server, 'order');

    const checkout = await order.cart.getCheckoutCart({ params: { cartId: cart.id } });
    expect(checkout).toMatchObject({
      customerId: userId,
      status: 'open',
      couponCodes: [],
      shipping: [],
      checkoutId: null,
      totals: { total: { amount: 50000 } },
    });
    expect(checkout.stores[0]).toMatchObject({ storeId, lines: [{ variantId, quantity: 2, weight: 250, unitPrice: { amount: 25000, currency: 'IDR' } }] });
    await expectProblem(shopper.cart.getCheckoutCart({ params: { cartId: cart.id } }), 403, 'SERVICE_CREDENTIAL_REQUIRED');

    // No cart comes back: the order service has it from getCheckoutCart.
    expect(await order.cart.completeCart({ params: { cartId: cart.id }, body: { checkoutId: 'chk_1' } })).toBeUndefined();
    const completed = await order.cart.getCheckoutCart({ params: { cartId: cart.id } });
    expect(completed).toMatchObject({ status: 'completed', checkoutId: 'chk_1', totals: { total: { amount: 50000 } } });
    // Again by the same checkout: nothing changes.
    await order.cart.completeCart({ params: { cartId: cart.id }, body: { checkoutId: 'chk_1' } });
    expect(await order.cart.getCheckoutCart({ params: { cartId: cart.id } })).toEqual(completed);
    await expectProblem(order.cart.completeCart({ params: { cartId: newId('crt') }, body: { checkoutId: 'chk_1' } }), 404, 'CART_NOT_FOUND');
    await expectProblem(order.cart.completeCart({ params: { cartId: cart.id }, body: { checkoutId: 'chk_2' } }), 409, 'CART_NOT_OPEN');
    await expectProblem(shopper.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity: 1 } }), 409, 'CART_NOT_OPEN');
    await expectProblem(order.cart.getCheckoutCart({ params: { cartId: newId('crt') } }), 404, 'CART_NOT_FOUND');
    // The customer's next cart is a new one.
    expect((await shopper.cart.createCart({ body: {} })).id).not.toBe(cart.id);
  });
});
