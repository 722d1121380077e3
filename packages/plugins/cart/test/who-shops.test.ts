import { newId } from '@tokobapak/server';
import { customerSession, expectProblem, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, tokenHeader, variantOf } from './support.js';

// Who has a cart: customers (a merchant's staff too: they are customers with a store session) and
// guests. An admin session does not shop: checkout is for customers, and an admin's token is kept
// off storefront pages; an admin buys with a customer account.

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const adminClient = () =>
  server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: `ses_${'0'.repeat(26)}` }) });

describe('who shops', () => {
  test('an admin session gets 403 on every shopper operation, even with a guest cart token; the guest cart is unchanged', async () => {
    const variant = await variantOf(server, { price: 10000, stock: 5 });
    const guest = await server.client().cart.createCart({ body: {} });
    const headers = tokenHeader(guest.token);
    await expectProblem(adminClient().cart.createCart({ body: {} }), 403, 'FORBIDDEN');
    await expectProblem(adminClient().cart.getCart({ params: { cartId: guest.id }, headers }), 403, 'FORBIDDEN');
    await expectProblem(
      adminClient().cart.addCartLine({ params: { cartId: guest.id }, headers, body: { variantId: variant.variantId, quantity: 1 } }),
      403,
      'FORBIDDEN',
    );
    await expectProblem(adminClient().cart.mergeCart({ headers }), 403, 'FORBIDDEN');
    expect((await server.client().cart.getCart({ params: { cartId: guest.id }, headers })).stores).toEqual([]);
  });

  test("a merchant's staff member in a store session shops as the customer they are: one cart, the same with a plain session", async () => {
    const userId = newId('usr');
    const variant = await variantOf(server, { price: 10000, stock: 5 });
    const inStore = storeSession(server, newId('sto'), 'staff', userId);
    const cart = await inStore.cart.createCart({ body: {} });
    await inStore.cart.addCartLine({ params: { cartId: cart.id }, headers: {}, body: { variantId: variant.variantId, quantity: 2 } });
    const plain = await customerSession(server, userId).cart.createCart({ body: {} });
    expect(plain.id).toBe(cart.id);
    expect(plain.totals.subtotal.amount).toBe(20000);
  });
});
