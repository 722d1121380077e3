import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { type PaymentPluginOptions, paymentPlugin } from '@tokobapak/plugin-payment';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import type { OrderComponents, TokoBapakClient } from '@tokobapak/sdk';
import { type Clock, newId } from '@tokobapak/server';
import { createTestServer, eventually, storeSession, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { type OrderPluginOptions, orderPlugin } from '../src/index.js';
import { ADDRESS, customerClient } from './support.js';

export type Checkout = OrderComponents['schemas']['Checkout'];

/**
 * Inventory, cart, payment (its sandbox gateway), promotion, shipping and order on one fresh
 * database. `processRecoveryIntervalMs` spaces the runner's own recovery passes, for a test that
 * drives them with `server.processes.recover()`.
 */
export async function startCheckoutServer(
  options: { clock?: Clock; order?: OrderPluginOptions; payment?: PaymentPluginOptions; processRecoveryIntervalMs?: number } = {},
): Promise<TestServer> {
  return createTestServer({
    plugins: [
      inventoryPlugin(),
      cartPlugin(),
      paymentPlugin({ provider: 'sandbox', ...options.payment }),
      // The promotion service's own sweep is left to its default: the checkout gives uses back first.
      promotionPlugin(),
      shippingPlugin(),
      orderPlugin({ settleIntervalMs: 100, ...options.order }),
    ],
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.processRecoveryIntervalMs ? { processRecoveryIntervalMs: options.processRecoveryIntervalMs } : {}),
  });
}

let counter = 0;

/** A product of one variant with `stock` units at `price` in a store of its own (or the one given). */
export async function productOf(server: TestServer, { price, stock, storeId = newId('sto') }: { price: number; stock: number; storeId?: string }) {
  counter += 1;
  const handle = `kopi-${Date.now().toString(36)}-${counter}`;
  const merchant = storeSession(server, storeId);
  const product = await merchant.inventory.createProduct({
    body: {
      title: `Kopi ${counter}`,
      handle,
      categories: ['kopi'],
      variants: [{ sku: handle.toUpperCase(), price: { amount: price, currency: 'IDR' }, weight: 250, stockOnHand: stock }],
      status: 'active',
    },
  });
  return { variantId: product.variants[0]?.id as string, productId: product.id, storeId, merchant };
}

/** A signed-in customer with an open cart holding the given lines. */
export async function shopper(
  server: TestServer,
  lines: Array<{ variantId: string; quantity: number }>,
): Promise<{ userId: string; client: TokoBapakClient; cartId: string }> {
  const { userId, client } = customerClient(server);
  const cart = await client.cart.createCart({ body: { currency: 'IDR' } });
  for (const line of lines) await client.cart.addCartLine({ params: { cartId: cart.id }, body: line });
  return { userId, client, cartId: cart.id };
}

/** The body of a checkout of `cartId` paid by QRIS. */
export const checkoutBody = (cartId: string) => ({ cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' as const } });

/** What inventory holds of a variant: on hand and reserved (read from its table: no API shows reservations). */
export async function stockOf(server: TestServer, variantId: string): Promise<{ onHand: number; reserved: number }> {
  const { rows } = await sql<{
    stock_on_hand: number;
    reserved: number;
  }>`select stock_on_hand, reserved from inventory.variants where id = ${variantId}`.execute(server.database.db);
  const row = rows[0];
  if (!row) throw new Error(`no variant ${variantId}`);
  return { onHand: Number(row.stock_on_hand), reserved: Number(row.reserved) };
}

/** Payments the payment service holds for these checkouts, by status. */
export async function paymentsFor(server: TestServer, references: string[]): Promise<Array<{ reference: string; status: string }>> {
  if (references.length === 0) return [];
  const { rows } = await sql<{
    reference: string;
    status: string;
  }>`select reference, status from payment.payments where reference in (${sql.join(references)})`.execute(server.database.db);
  return rows;
}

/** A store coupon of `amount` off with a total use limit (and other settings), created by the store; its id and code. */
export async function couponOf(
  server: TestServer,
  storeId: string,
  settings: { amount: number; usageLimit?: number | null; perCustomerLimit?: number | null },
): Promise<{ promotionId: string; code: string }> {
  counter += 1;
  const code = `HEMAT${Date.now().toString(36).toUpperCase()}${counter}`;
  const created = await storeSession(server, storeId).promotion.createStoreDiscount({
    body: {
      name: `Hemat ${counter}`,
      type: 'fixed_amount',
      amount: settings.amount,
      currency: 'IDR',
      code,
      usageLimit: settings.usageLimit ?? null,
      perCustomerLimit: settings.perCustomerLimit ?? null,
    },
  });
  return { promotionId: created.id, code };
}

/** The redemptions the promotion service holds of a promotion, by status (read from its tables: no API lists them). */
export async function redemptionsOf(server: TestServer, promotionId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ status: string; count: number | string }>`
    select r.status, count(*) as count from promotion.redemptions r
    join promotion.redemption_items i on i.redemption_id = r.id
    where i.promotion_id = ${promotionId} group by r.status`.execute(server.database.db);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/** The checkouts the order service holds of a customer (read from its table: failed ones have no API). */
export async function checkoutsOf(server: TestServer, customerId: string): Promise<Array<{ id: string; status: string; failure_code: string | null }>> {
  const { rows } = await sql<{ id: string; status: string; failure_code: string | null }>`
    select id, status, failure_code from "order".checkouts where customer_id = ${customerId} order by id`.execute(server.database.db);
  return rows;
}

/** One store's product bought `quantity` times by a new shopper, checked out and paid: the paid order, its buyer and payment. */
export async function paidOrder(
  server: TestServer,
  { price, quantity, stock = 10, storeId }: { price: number; quantity: number; stock?: number; storeId?: string },
) {
  const product = await productOf(server, { price, stock, ...(storeId ? { storeId } : {}) });
  const buyer = await shopper(server, [{ variantId: product.variantId, quantity }]);
  const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
  const paymentId = checkout.payment?.id as string;
  await buyer.client.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'paid' } });
  const order = await eventually(async () => {
    const [placed] = (await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).orders;
    expect(placed?.status).toBe('paid');
    // The stock is committed (the reservation turned into a sale) before anything is cancelled.
    expect((await stockOf(server, product.variantId)).reserved).toBe(0);
    return placed as OrderComponents['schemas']['Order'];
  });
  return { order, buyer, product, paymentId };
}

/**
 * A paid order of `quantity` units at `price` checked out with flat-rate shipping of `shipping`
 * chosen in the cart, in a store of its own (or the one given), paid through the sandbox.
 */
export async function paidWithQuote(
  server: TestServer,
  { price, quantity, shipping, stock = 10, storeId }: { price: number; quantity: number; shipping: number; stock?: number; storeId?: string },
) {
  const product = await productOf(server, { price, stock, ...(storeId ? { storeId } : {}) });
  await product.merchant.shipping.updateShippingSettings({
    body: { currency: 'IDR', flatRate: { name: 'Kirim rata', amount: shipping, estimatedDays: { min: 1, max: 3 } }, weightTable: null, biteship: null },
  });
  const buyer = await shopper(server, [{ variantId: product.variantId, quantity }]);
  const { options } = await buyer.client.shipping.quoteShippingRates({
    body: {
      storeId: product.storeId,
      destination: { postalCode: ADDRESS.postalCode, region: ADDRESS.region },
      items: [{ weight: 250, quantity }],
      currency: 'IDR',
    },
  });
  await buyer.client.cart.selectCartShipping({
    params: { cartId: buyer.cartId, storeId: product.storeId },
    body: { optionId: options[0]?.optionId as string },
  });
  const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
  const paymentId = checkout.payment?.id as string;
  await buyer.client.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'paid' } });
  const order = await eventually(async () => {
    const [placed] = (await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).orders;
    expect(placed?.status).toBe('paid');
    return placed as OrderComponents['schemas']['Order'];
  });
  expect(order.totals.shipping.amount).toBe(shipping);
  return { order, paymentId, product, buyer };
}

/**
 * How a checkout that lost the race for the last units is refused: by the cart read, when the
 * others' reservations came first (`ORDER_CART_CHANGED`), or by the reservation itself
 * (`INVENTORY_INSUFFICIENT_STOCK`). Which one is a matter of timing; both leave nothing behind.
 */
export const SOLD_OUT_CODES = ['INVENTORY_INSUFFICIENT_STOCK', 'ORDER_CART_CHANGED'];

/** Each refusal is a 409 for stock that ran out. */
export function expectSoldOut(refused: Array<{ status: number; code: string }>, count: number): void {
  expect(refused).toHaveLength(count);
  for (const error of refused) {
    expect(error.status).toBe(409);
    expect(SOLD_OUT_CODES).toContain(error.code);
  }
}
