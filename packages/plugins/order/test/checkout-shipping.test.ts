import { expectProblem, type ManualClock, manualClock, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkoutBody, checkoutsOf, paymentsFor, productOf, redemptionsOf, shopper, startCheckoutServer, stockOf } from './checkout-support.js';
import { ADDRESS } from './support.js';

// Each store's shipping is read back from the shipping service at checkout, through the SDK: the
// order records the quote's amount and option, and an expired or foreign quote is refused.

let server: TestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock(new Date());
  server = await startCheckoutServer({ clock });
});
afterAll(async () => {
  await server?.close();
});

/** A store with flat-rate shipping (Rp15.000 unless told) and by weight (Rp10.000 up to 1 kg), quotes good for a minute, and a product. */
async function shippingStore(stock = 5, flatAmount = 15_000) {
  const product = await productOf(server, { price: 50_000, stock });
  await product.merchant.shipping.updateShippingSettings({
    body: {
      currency: 'IDR',
      flatRate: { name: 'Kirim rata', amount: flatAmount, estimatedDays: { min: 2, max: 4 }, zones: [] },
      weightTable: { name: 'Menurut berat', brackets: [{ upToGrams: 1_000, amount: 10_000 }], zones: [] },
      biteship: null,
      quoteTtlSeconds: 60,
    },
  });
  return product;
}

/** The options quoted for `quantity` units (250 g each, as productOf makes them) of a store to a postal code. */
async function quote(storeId: string, quantity: number, postalCode = ADDRESS.postalCode) {
  const { options } = await server.client().shipping.quoteShippingRates({
    body: { storeId, destination: { postalCode, countryCode: 'ID' }, items: [{ weight: 250, quantity }], currency: 'IDR' },
  });
  return {
    flat: options.find((option) => option.provider === 'flat-rate')?.optionId as string,
    byWeight: options.find((option) => option.provider === 'weight-table')?.optionId as string,
  };
}

/** A shopper with `quantity` of the product and the store's flat-rate option chosen on the cart. */
async function shipped(product: Awaited<ReturnType<typeof shippingStore>>, quantity = 2) {
  const buyer = await shopper(server, [{ variantId: product.variantId, quantity }]);
  const options = await quote(product.storeId, quantity);
  await buyer.client.cart.selectCartShipping({ params: { cartId: buyer.cartId, storeId: product.storeId }, body: { optionId: options.flat } });
  return { ...buyer, options };
}

describe('shipping at checkout', () => {
  test("the order records the store's quoted option and amount, and the payment includes it", async () => {
    const product = await shippingStore();
    const buyer = await shipped(product);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    const [order] = checkout.orders;
    expect(order?.shipping).toMatchObject({
      optionId: buyer.options.flat,
      provider: 'flat-rate',
      service: 'standard',
      name: 'Kirim rata',
      amount: { amount: 15_000 },
    });
    expect(order?.totals.shipping.amount).toBe(15_000);
    expect(order?.totals.total.amount).toBe(100_000 + 15_000);
    expect(checkout.total.amount).toBe(115_000);
    expect(checkout.payment?.amount.amount).toBe(115_000);
  });

  test("the request's `shipping` replaces the cart's choice for its store, at the quote's price", async () => {
    const product = await shippingStore();
    const buyer = await shipped(product);
    const checkout = await buyer.client.order.createCheckout({
      body: { ...checkoutBody(buyer.cartId), shipping: [{ storeId: product.storeId, optionId: buyer.options.byWeight }] },
    });
    expect(checkout.orders[0]?.shipping).toMatchObject({ optionId: buyer.options.byWeight, provider: 'weight-table', amount: { amount: 10_000 } });
    expect(checkout.total.amount).toBe(110_000);
  });

  test('a foreign quote is refused before anything is held: another store, another destination, a lighter parcel, a store not in the cart', async () => {
    const product = await shippingStore();
    const elsewhere = await shippingStore();
    const buyer = await shipped(product, 3);
    const theirs = await quote(elsewhere.storeId, 3);
    const farAway = await quote(product.storeId, 3, '99111');
    const lighter = await quote(product.storeId, 1);
    const attempts = [
      [{ storeId: product.storeId, optionId: theirs.flat }, /another store/],
      [{ storeId: product.storeId, optionId: farAway.flat }, /postal code 99111/],
      [{ storeId: product.storeId, optionId: lighter.byWeight }, /quoted for 250 g; the parcel weighs 750 g/],
      [{ storeId: elsewhere.storeId, optionId: theirs.flat }, /the cart has nothing from store/],
    ] as const;
    for (const [choice, reason] of attempts) {
      const problem = await expectProblem(
        buyer.client.order.createCheckout({ body: { ...checkoutBody(buyer.cartId), shipping: [choice] } }),
        422,
        'ORDER_SHIPPING_OPTION_INVALID',
      );
      expect(problem.detail).toMatch(reason);
    }
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 0 });
    const tried = await checkoutsOf(server, buyer.userId);
    expect(tried.map((checkout) => checkout.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(
      await paymentsFor(
        server,
        tried.map((checkout) => checkout.id),
      ),
    ).toEqual([]);
  });

  test('a free-shipping coupon: the order records the shipping and its discount, and the coupon use is reserved', async () => {
    const product = await shippingStore();
    const buyer = await shipped(product);
    const code = `ONGKIR${Date.now().toString(36).toUpperCase()}`;
    const promotion = await product.merchant.promotion.createStoreDiscount({ body: { name: 'Gratis ongkir', type: 'free_shipping', code } });
    await buyer.client.cart.applyCartCoupon({ params: { cartId: buyer.cartId }, body: { code } });
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    // The answer, with the shipping fixed and the discount's split, is what reading the checkout gives.
    expect(await buyer.client.order.getCheckout({ params: { checkoutId: checkout.id } })).toEqual(checkout);
    expect(checkout.orders[0]?.totals).toMatchObject({ shipping: { amount: 15_000 }, shippingDiscount: { amount: 15_000 }, total: { amount: 100_000 } });
    expect(checkout.payment?.amount.amount).toBe(100_000);
    expect(await redemptionsOf(server, promotion.id)).toEqual({ active: 1 });
  });

  test('an expired quote chosen on the cart is refused; choosing again makes the checkout go through', async () => {
    const product = await shippingStore();
    const buyer = await shipped(product, 1);
    clock.advance(61_000);
    await expectProblem(buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) }), 422, 'ORDER_SHIPPING_OPTION_INVALID');
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 5, reserved: 0 });
    const fresh = await quote(product.storeId, 1);
    await buyer.client.cart.selectCartShipping({ params: { cartId: buyer.cartId, storeId: product.storeId }, body: { optionId: fresh.flat } });
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    expect(checkout.orders[0]?.totals.shipping.amount).toBe(15_000);
  });
});

// A checkout reads every store's chosen quote in one statement: each store must still get its own
// quote, checked on its own (store, expiry), whatever the others' are.
describe('shipping of several stores at checkout', () => {
  /** A shopper with one unit from each of two stores, each store's flat-rate option chosen on the cart. */
  async function twoStores() {
    const first = await shippingStore(5, 15_000);
    const second = await shippingStore(5, 18_000);
    const buyer = await shopper(server, [
      { variantId: first.variantId, quantity: 1 },
      { variantId: second.variantId, quantity: 1 },
    ]);
    const choose = async (product: typeof first) => {
      const options = await quote(product.storeId, 1);
      await buyer.client.cart.selectCartShipping({ params: { cartId: buyer.cartId, storeId: product.storeId }, body: { optionId: options.flat } });
      return options;
    };
    return { first, second, buyer, choose };
  }

  test("each store's order records its own quote", async () => {
    const { first, second, buyer, choose } = await twoStores();
    const firstOptions = await choose(first);
    const secondOptions = await choose(second);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    const byStore = new Map(checkout.orders.map((order) => [order.storeId, order]));
    expect(byStore.get(first.storeId)?.shipping).toMatchObject({ optionId: firstOptions.flat, amount: { amount: 15_000 } });
    expect(byStore.get(second.storeId)?.shipping).toMatchObject({ optionId: secondOptions.flat, amount: { amount: 18_000 } });
    expect(checkout.total.amount).toBe(2 * 50_000 + 15_000 + 18_000);
  });

  test("the stores' quotes swapped are refused as another store's, holding nothing", async () => {
    const { first, second, buyer, choose } = await twoStores();
    const firstOptions = await choose(first);
    const secondOptions = await choose(second);
    const problem = await expectProblem(
      buyer.client.order.createCheckout({
        body: {
          ...checkoutBody(buyer.cartId),
          shipping: [
            { storeId: first.storeId, optionId: secondOptions.flat },
            { storeId: second.storeId, optionId: firstOptions.flat },
          ],
        },
      }),
      422,
      'ORDER_SHIPPING_OPTION_INVALID',
    );
    expect(problem.detail).toMatch(/another store/);
    expect(await stockOf(server, first.variantId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(server, second.variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test("one store's expired quote is refused though the other store's is fresh; choosing again goes through", async () => {
    const { first, second, buyer, choose } = await twoStores();
    await choose(first);
    clock.advance(61_000);
    await choose(second);
    const problem = await expectProblem(buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) }), 422, 'ORDER_SHIPPING_OPTION_INVALID');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: `/shipping/${first.storeId}` })]);
    expect(await stockOf(server, second.variantId)).toEqual({ onHand: 5, reserved: 0 });
    await choose(first);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    expect(checkout.total.amount).toBe(2 * 50_000 + 15_000 + 18_000);
  });
});

describe('a store that ships needs an option chosen', () => {
  test('a cart without a choice for a store that ships is refused with ORDER_SHIPPING_REQUIRED, holding nothing; one that does not ship is placed without', async () => {
    const ships = await shippingStore();
    const handsOver = await productOf(server, { price: 20_000, stock: 5 });
    const buyer = await shopper(server, [
      { variantId: ships.variantId, quantity: 2 },
      { variantId: handsOver.variantId, quantity: 1 },
    ]);
    const problem = await expectProblem(buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) }), 422, 'ORDER_SHIPPING_REQUIRED');
    expect(problem.detail).toContain(ships.storeId);
    expect(problem.errors).toEqual([{ pointer: `/shipping/${ships.storeId}`, message: 'no shipping option chosen for this store' }]);
    // Nothing held: no stock, no payment, the checkout failed, the cart still open.
    expect(await stockOf(server, ships.variantId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(server, handsOver.variantId)).toEqual({ onHand: 5, reserved: 0 });
    const tried = await checkoutsOf(server, buyer.userId);
    expect(tried.map((checkout) => [checkout.status, checkout.failure_code])).toEqual([['failed', 'ORDER_SHIPPING_REQUIRED']]);
    expect(await paymentsFor(server, [tried[0]?.id as string])).toEqual([]);
    expect((await buyer.client.cart.getCart({ params: { cartId: buyer.cartId } })).status).toBe('open');

    // Choosing the store's option (in the request here) lets it through; the other store ships nothing through the service.
    const options = await quote(ships.storeId, 2);
    const checkout = await buyer.client.order.createCheckout({
      body: { ...checkoutBody(buyer.cartId), shipping: [{ storeId: ships.storeId, optionId: options.flat }] },
    });
    const byStore = new Map(checkout.orders.map((order) => [order.storeId, order]));
    expect(byStore.get(ships.storeId)?.totals.shipping.amount).toBe(15_000);
    expect(byStore.get(handsOver.storeId)?.shipping.optionId).toBeNull();
    expect(byStore.get(handsOver.storeId)?.totals.shipping.amount).toBe(0);
    expect(checkout.total.amount).toBe(100_000 + 15_000 + 20_000);
  });

  test('a store whose shipping does not take this parcel is placed without shipping', async () => {
    const product = await productOf(server, { price: 30_000, stock: 3 });
    // Letters only (up to 100 g): a 250 g parcel gets no option, so the store hands it over itself.
    await product.merchant.shipping.updateShippingSettings({
      body: {
        currency: 'IDR',
        flatRate: null,
        weightTable: { name: 'Surat', brackets: [{ upToGrams: 100, amount: 5_000 }], zones: [] },
        biteship: null,
        quoteTtlSeconds: 60,
      },
    });
    const buyer = await shopper(server, [{ variantId: product.variantId, quantity: 1 }]);
    const checkout = await buyer.client.order.createCheckout({ body: checkoutBody(buyer.cartId) });
    expect(checkout.orders[0]?.shipping.optionId).toBeNull();
    expect(checkout.total.amount).toBe(30_000);
  });
});
