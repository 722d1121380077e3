import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import type { TokoBapakClient } from '@tokobapak/sdk';
import { newId, readOperations } from '@tokobapak/server';
import { createTestServer, customerSession, eventually, serviceClient, signUp, storeSession, TEST_ADDRESS, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Tenancy, operation by operation: every operation of the order, payment and shipping specs, and
// every balance and withdrawal operation of the merchant spec, is read from the specs and must have
// a case below, or the first test fails. Each case takes a real resource of store A or customer X
// and shows that store B or customer Y cannot see or touch it (404, as the services answer for
// another's resource; 403 where the operation is not theirs at all), and that the owner can (so the
// refusal is about whose it is, not a resource that does not exist). Lists show only one's own.

const ADMIN_EMAIL = 'tenancy-admin@example.com';
const plugins = [
  authPlugin({ adminEmails: [ADMIN_EMAIL], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
  userPlugin(),
  merchantPlugin(),
  inventoryPlugin(),
  cartPlugin(),
  paymentPlugin({ provider: 'sandbox' }),
  orderPlugin({ settleIntervalMs: 100 }),
  shippingPlugin(),
];
const inScope = readOperations('order', orderPlugin().spec)
  .concat(readOperations('payment', paymentPlugin({ provider: 'sandbox' }).spec))
  .concat(readOperations('shipping', shippingPlugin().spec))
  .concat(readOperations('merchant', merchantPlugin().spec).filter((operation) => /\/(balance|withdrawals)/.test(operation.path)));

const ADDRESS = TEST_ADDRESS;
// A quote's destination: the address without its optional second line.
const { line2: _line2, ...DESTINATION } = TEST_ADDRESS;
const SETTINGS = (name: string) => ({
  currency: 'IDR',
  flatRate: { name, amount: 15000, estimatedDays: { min: 2, max: 4 }, zones: [] },
  weightTable: null,
  biteship: null,
});
const BANK_ACCOUNT = { bankCode: 'bca', accountNumber: '1234567890', accountHolderName: 'Budi Santoso' };
const idr = (amount: number) => ({ amount, currency: 'IDR' as const });

/** The resources the cases work on: all of store A and customer X, none of B or Y. */
interface World {
  server: TestServer;
  admin: TokoBapakClient;
  storeA: TokoBapakClient;
  storeB: TokoBapakClient;
  x: TokoBapakClient;
  y: TokoBapakClient;
  storeAId: string;
  cartId: string;
  checkoutId: string;
  openCheckoutId: string;
  paymentId: string;
  orderId: string;
  shipmentId: string;
  withdrawalId: string;
}
let world: World;

/** The call is refused with one of `statuses` (another's resource: 404; not theirs at all: 403). */
async function refused(call: Promise<unknown>, statuses = [404]): Promise<void> {
  const failure = await call.then(
    () => undefined,
    (error: unknown) => error as { status?: number },
  );
  expect(failure, 'the call succeeded').toBeDefined();
  expect(statuses).toContain(failure?.status);
}

/** The owner gets past the tenancy check: an answer, or a refusal about the resource's state, never 401/403/404. */
async function admitted(call: Promise<unknown>): Promise<void> {
  const failure = await call.then(
    () => undefined,
    (error: unknown) => error as { status?: number; code?: string },
  );
  if (failure) expect([401, 403, 404], `${failure.status} ${failure.code}`).not.toContain(failure.status);
}

const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id);

beforeAll(async () => {
  const server = await createTestServer({ plugins });
  const admin = server.client();
  await admin.user.register({ body: { email: ADMIN_EMAIL, password: 'correct horse battery staple', name: 'Admin' } });
  await admin.auth.login({ body: { email: ADMIN_EMAIL, password: 'correct horse battery staple' } });
  const open = async (handle: string) => {
    const person = await signUp(server);
    const store = await person.client.merchant.createStore({ body: { name: handle, handle: `${handle}-${Date.now().toString(36)}` } });
    return { id: store.id, session: storeSession(server, store.id, 'owner', person.user.id) };
  };
  const a = await open('toko-a');
  const b = await open('toko-b');
  const xId = newId('usr');
  const x = customerSession(server, xId);
  const y = customerSession(server);

  const product = await a.session.inventory.createProduct({
    body: {
      title: 'Kopi Toraja',
      handle: `toraja-${Date.now().toString(36)}`,
      categories: ['kopi'],
      variants: [{ sku: `TRJ-${Date.now().toString(36)}`, price: idr(60_000), weight: 250, stockOnHand: 10 }],
      status: 'active',
    },
  });
  const variantId = product.variants[0]?.id as string;
  const checkoutOf = async () => {
    const cart = await x.cart.createCart({ body: { currency: 'IDR' } });
    await x.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity: 1 } });
    const checkout = await x.order.createCheckout({ body: { cartId: cart.id, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } } });
    return { cartId: cart.id, checkout };
  };
  const paid = await checkoutOf();
  const open2 = await checkoutOf();
  // Set up after the checkouts: these orders ship without a quote (the store enters its tracking number), and a
  // store that ships must otherwise have an option chosen (ORDER_SHIPPING_REQUIRED).
  await a.session.shipping.updateShippingSettings({ body: SETTINGS('Kirim A') });
  const paymentId = paid.checkout.payment?.id as string;
  await x.payment.simulatePayment({ params: { paymentId }, body: { outcome: 'paid' } });
  const orderId = paid.checkout.orders[0]?.id as string;
  await eventually(async () => {
    expect((await x.order.getMyOrder({ params: { orderId } })).status).toBe('paid');
    // Settled to the end: a new cart is not the one being completed.
    expect((await x.cart.getCart({ params: { cartId: paid.cartId } })).status).toBe('completed');
  }, 30_000);
  // A cart of X's still open, for the checkout attempt by Y.
  const cart = await x.cart.createCart({ body: { currency: 'IDR' } });
  await x.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity: 1 } });

  const items = [{ name: 'Kopi Toraja', weight: 250, quantity: 1, value: 60_000 }];
  const { options } = await server.client().shipping.quoteShippingRates({ body: { storeId: a.id, destination: DESTINATION, items, currency: 'IDR' } });
  const shipment = await serviceClient(server, 'order').shipping.createShipment({
    body: { reference: newId('ord'), storeId: a.id, optionId: options[0]?.optionId as string, customerId: xId, destination: DESTINATION, items },
  });

  await admin.merchant.adjustStoreBalance({ params: { storeId: a.id }, body: { amount: idr(100_000), reason: 'Saldo awal' } });
  const withdrawal = await a.session.merchant.requestWithdrawal({ body: { amount: idr(10_000), bankAccount: BANK_ACCOUNT } });

  world = {
    server,
    admin,
    storeA: a.session,
    storeB: b.session,
    x,
    y,
    storeAId: a.id,
    cartId: cart.id,
    checkoutId: paid.checkout.id,
    openCheckoutId: open2.checkout.id,
    paymentId,
    orderId,
    shipmentId: shipment.id,
    withdrawalId: withdrawal.id,
  };
}, 120_000);
afterAll(async () => {
  await world?.server.close();
});

type Case = (w: World) => Promise<void>;

/** The customers' view: X's checkouts, orders and payments are X's alone. */
const customerCases: Record<string, Case> = {
  async createCheckout(w) {
    await refused(w.y.order.createCheckout({ body: { cartId: w.cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } } }));
  },
  async getCheckout(w) {
    await refused(w.y.order.getCheckout({ params: { checkoutId: w.checkoutId } }));
    await admitted(w.x.order.getCheckout({ params: { checkoutId: w.checkoutId } }));
  },
  async cancelCheckout(w) {
    await refused(w.y.order.cancelCheckout({ params: { checkoutId: w.openCheckoutId }, body: {} }));
    await admitted(w.x.order.cancelCheckout({ params: { checkoutId: w.openCheckoutId }, body: {} }));
  },
  async listMyOrders(w) {
    expect(ids(await w.y.order.listMyOrders({}))).not.toContain(w.orderId);
    expect(ids(await w.x.order.listMyOrders({}))).toContain(w.orderId);
  },
  async getMyOrder(w) {
    await refused(w.y.order.getMyOrder({ params: { orderId: w.orderId } }));
    await admitted(w.x.order.getMyOrder({ params: { orderId: w.orderId } }));
  },
  async getPayment(w) {
    await refused(w.y.payment.getPayment({ params: { paymentId: w.paymentId } }));
    // A store's staff are people too: the customer's payment is not theirs either.
    await refused(w.storeA.payment.getPayment({ params: { paymentId: w.paymentId } }));
    await admitted(w.x.payment.getPayment({ params: { paymentId: w.paymentId } }));
  },
  async cancelMyOrder(w) {
    await refused(w.y.order.cancelMyOrder({ params: { orderId: w.orderId }, body: {} }));
    await refused(w.storeB.order.cancelMyOrder({ params: { orderId: w.orderId }, body: {} }));
    // The owner's own cancellation would end the order the other cases work on: it is driven in
    // the order plugin's order-refunds tests instead.
  },
  async confirmMyOrderReceived(w) {
    await refused(w.y.order.confirmMyOrderReceived({ params: { orderId: w.orderId }, body: {} }));
    await refused(w.storeB.order.confirmMyOrderReceived({ params: { orderId: w.orderId }, body: {} }));
    // The owner's order has not shipped: found, and refused for that (409), not as someone else's.
    await admitted(w.x.order.confirmMyOrderReceived({ params: { orderId: w.orderId }, body: {} }));
  },
  async simulatePayment(w) {
    await refused(w.y.payment.simulatePayment({ params: { paymentId: w.paymentId }, body: { outcome: 'failed' } }));
    await admitted(w.x.payment.simulatePayment({ params: { paymentId: w.paymentId }, body: { outcome: 'paid' } }));
  },
};

/** Operations only the order service calls: people, the payment's own customer included, get 403. */
const serviceOnlyCases: Record<string, Case> = {
  async createPayment(w) {
    await refused(
      w.x.payment.createPayment({ body: { reference: newId('chk'), amount: idr(1000), customerId: newId('usr'), method: { type: 'qris' } } as never }),
      [403],
    );
  },
  async cancelPayment(w) {
    await refused(w.x.payment.cancelPayment({ params: { paymentId: w.paymentId }, body: {} }), [403]);
  },
  async voidPayment(w) {
    // The checkout's own customer and a store alike: voiding a reference is the order service's undo.
    await refused(w.x.payment.voidPayment({ body: { reference: w.checkoutId } }), [403]);
    await refused(w.storeA.payment.voidPayment({ body: { reference: w.checkoutId } }), [403]);
  },
  async refundPayment(w) {
    await refused(w.x.payment.refundPayment({ params: { paymentId: w.paymentId }, body: { amount: idr(1000), reason: 'tenancy' } }), [403]);
  },
  async createShipment(w) {
    await refused(w.storeA.shipping.createShipment({ body: {} as never }), [400, 403]);
  },
  async quoteShippingRatesForStores(w) {
    // The cart quotes a whole cart through it; shoppers and stores quote one store with quoteShippingRates.
    const body = { destination: DESTINATION, currency: 'IDR', parcels: [{ storeId: newId('sto'), items: [{ weight: 250, quantity: 1 }] }] };
    await refused(w.x.shipping.quoteShippingRatesForStores({ body }), [403]);
    await refused(w.storeA.shipping.quoteShippingRatesForStores({ body }), [403]);
  },
};

/** The stores' view: A's orders, shipments, settings and balance are A's alone. */
const storeCases: Record<string, Case> = {
  async listStoreOrders(w) {
    expect(ids(await w.storeB.order.listStoreOrders({}))).not.toContain(w.orderId);
    expect(ids(await w.storeA.order.listStoreOrders({}))).toContain(w.orderId);
  },
  async getStoreOrder(w) {
    await refused(w.storeB.order.getStoreOrder({ params: { orderId: w.orderId } }));
    await admitted(w.storeA.order.getStoreOrder({ params: { orderId: w.orderId } }));
  },
  async acceptOrder(w) {
    await refused(w.storeB.order.acceptOrder({ params: { orderId: w.orderId }, body: {} }));
    await admitted(w.storeA.order.acceptOrder({ params: { orderId: w.orderId }, body: {} }));
  },
  async shipOrder(w) {
    await refused(w.storeB.order.shipOrder({ params: { orderId: w.orderId }, body: { carrier: 'JNE', trackingNumber: 'JNE123' } }));
    await admitted(w.storeA.order.shipOrder({ params: { orderId: w.orderId }, body: { carrier: 'JNE', trackingNumber: 'JNE123' } }));
  },
  async cancelOrder(w) {
    const unknownLine = { lines: [{ lineId: `oln_${'0'.repeat(26)}`, quantity: 1 }] };
    await refused(w.storeB.order.cancelOrder({ params: { orderId: w.orderId }, body: unknownLine }));
    // A gets through to its own order; the unknown line keeps the order as it is (422).
    await admitted(w.storeA.order.cancelOrder({ params: { orderId: w.orderId }, body: unknownLine }));
  },
  async refundOrder(w) {
    const unknownLine = { lines: [{ lineId: `oln_${'0'.repeat(26)}`, amount: idr(1) }], reason: 'Goodwill' };
    await refused(w.storeB.order.refundOrder({ params: { orderId: w.orderId }, body: unknownLine }));
    // A gets through to its own order; the unknown line keeps the order as it is (422).
    await admitted(w.storeA.order.refundOrder({ params: { orderId: w.orderId }, body: unknownLine }));
  },
  async completeOrder(w) {
    await refused(w.storeB.order.completeOrder({ params: { orderId: w.orderId }, body: {} }));
    await admitted(w.storeA.order.completeOrder({ params: { orderId: w.orderId }, body: {} }));
  },
  async getShipment(w) {
    await refused(w.storeB.shipping.getShipment({ params: { shipmentId: w.shipmentId } }));
    await refused(w.y.shipping.getShipment({ params: { shipmentId: w.shipmentId } }));
    await admitted(w.storeA.shipping.getShipment({ params: { shipmentId: w.shipmentId } }));
    await admitted(w.x.shipping.getShipment({ params: { shipmentId: w.shipmentId } }));
  },
  async trackShipment(w) {
    await refused(w.storeB.shipping.trackShipment({ params: { shipmentId: w.shipmentId } }));
    await refused(w.y.shipping.trackShipment({ params: { shipmentId: w.shipmentId } }));
    await admitted(w.x.shipping.trackShipment({ params: { shipmentId: w.shipmentId } }));
  },
  async listStoreShipments(w) {
    expect(ids(await w.storeB.shipping.listStoreShipments({}))).not.toContain(w.shipmentId);
    expect(ids(await w.storeA.shipping.listStoreShipments({}))).toContain(w.shipmentId);
  },
  async updateShipmentStatus(w) {
    await refused(w.storeB.shipping.updateShipmentStatus({ params: { shipmentId: w.shipmentId }, body: { status: 'picked_up' } as never }));
    await admitted(w.storeA.shipping.updateShipmentStatus({ params: { shipmentId: w.shipmentId }, body: { status: 'picked_up' } as never }));
  },
  async getShippingSettings(w) {
    const own = await w.storeB.shipping.getShippingSettings().catch((error: { status?: number }) => error);
    expect(JSON.stringify(own)).not.toContain('Kirim A');
    expect(JSON.stringify(await w.storeA.shipping.getShippingSettings())).toContain('Kirim A');
  },
  async updateShippingSettings(w) {
    // B's settings are B's: writing them leaves A's as they were.
    await w.storeB.shipping.updateShippingSettings({ body: SETTINGS('Kirim B') });
    expect(JSON.stringify(await w.storeA.shipping.getShippingSettings())).toContain('Kirim A');
  },
  async getStoreBalance(w) {
    expect((await w.storeB.merchant.getStoreBalance()).available.amount).toBe(0);
    expect((await w.storeA.merchant.getStoreBalance()).available.amount).toBeGreaterThan(0);
  },
  async listStoreLedgerEntries(w) {
    expect((await w.storeB.merchant.listStoreLedgerEntries()).items).toEqual([]);
    expect((await w.storeA.merchant.listStoreLedgerEntries()).items.length).toBeGreaterThan(0);
  },
  async listWithdrawals(w) {
    expect(ids(await w.storeB.merchant.listWithdrawals())).not.toContain(w.withdrawalId);
    expect(ids(await w.storeA.merchant.listWithdrawals())).toContain(w.withdrawalId);
  },
  async requestWithdrawal(w) {
    // B has nothing of its own to withdraw; A's balance is not within its reach.
    await refused(w.storeB.merchant.requestWithdrawal({ body: { amount: idr(1_000), bankAccount: BANK_ACCOUNT } }), [409]);
  },
  async getWithdrawal(w) {
    await refused(w.storeB.merchant.getWithdrawal({ params: { withdrawalId: w.withdrawalId } }));
    await admitted(w.storeA.merchant.getWithdrawal({ params: { withdrawalId: w.withdrawalId } }));
  },
};

/** The platform's money desk: no store (not even A on its own balance) and no customer, only admins. */
const adminOnly = (call: (client: TokoBapakClient, w: World) => Promise<unknown>): Case => {
  return async (w) => {
    await refused(call(w.storeA, w), [403]);
    await refused(call(w.x, w), [403]);
    await admitted(call(w.admin, w));
  };
};
const adminCases: Record<string, Case> = {
  adminGetStoreBalance: adminOnly((client, w) => client.merchant.adminGetStoreBalance({ params: { storeId: w.storeAId } })),
  adminListStoreLedgerEntries: adminOnly((client, w) => client.merchant.adminListStoreLedgerEntries({ params: { storeId: w.storeAId } })),
  adjustStoreBalance: adminOnly((client, w) =>
    client.merchant.adjustStoreBalance({ params: { storeId: w.storeAId }, body: { amount: idr(1), reason: 'tenancy' } }),
  ),
  adminListWithdrawals: adminOnly((client) => client.merchant.adminListWithdrawals()),
  approveWithdrawal: adminOnly((client, w) => client.merchant.approveWithdrawal({ params: { withdrawalId: w.withdrawalId }, body: {} } as never)),
  markWithdrawalPaid: adminOnly((client, w) => client.merchant.markWithdrawalPaid({ params: { withdrawalId: w.withdrawalId }, body: {} } as never)),
  rejectWithdrawal: adminOnly((client, w) =>
    client.merchant.rejectWithdrawal({ params: { withdrawalId: w.withdrawalId }, body: { reason: 'tenancy' } } as never),
  ),
  async listPayments(w) {
    // Every customer's payments: not even the payment's own customer, or the store it paid, may list them.
    await refused(w.x.payment.listPayments(), [403]);
    await refused(w.storeA.payment.listPayments({ query: { refundFailed: true } }), [403]);
    expect(ids(await w.admin.payment.listPayments({ query: { limit: 100 } }))).toContain(w.paymentId);
  },
  async acknowledgeRefundFailure(w) {
    // Saying the money went back outside the store is the platform's word: not the payment's own
    // customer's, nor the store's it paid, and their attempts leave no trace in its history.
    const before = await w.admin.payment.getPayment({ params: { paymentId: w.paymentId } });
    const call = (client: TokoBapakClient) => client.payment.acknowledgeRefundFailure({ params: { paymentId: w.paymentId }, body: { note: 'tenancy' } });
    await refused(call(w.x), [403]);
    await refused(call(w.storeA), [403]);
    expect(await w.admin.payment.getPayment({ params: { paymentId: w.paymentId } })).toEqual(before);
    await admitted(call(w.admin));
  },
};

/** No caller to tell apart: what they answer is the same for everyone, or they prove who sent them otherwise. */
const notTenantScoped: Record<string, string> = {
  quoteShippingRates: 'public prices: anyone may ask what a store charges to ship',
  getShippingQuote: 'public: a quote holds prices, not a person; its id is unguessable',
  receivePaymentWebhook: 'the gateway, proved by its signature (payment webhook tests)',
  receiveShippingWebhook: 'the carrier, proved by its secret header (Biteship tests)',
};

const cases: Record<string, Case> = { ...customerCases, ...serviceOnlyCases, ...storeCases, ...adminCases };

test('every order, payment, shipping, balance and withdrawal operation in the specs has a tenancy case', () => {
  const missing = inScope.map((operation) => operation.operationId).filter((id) => !(id in cases) && !(id in notTenantScoped));
  expect(missing).toEqual([]);
  const stale = [...Object.keys(cases), ...Object.keys(notTenantScoped)].filter((id) => !inScope.some((operation) => operation.operationId === id));
  expect(stale).toEqual([]);
});

describe('another store or customer cannot see or touch what is not theirs', () => {
  const covered = inScope.filter((operation) => operation.operationId in cases);
  test.each(covered.map((operation) => [`${operation.service}.${operation.operationId}`, operation.operationId] as const))('%s', async (_label, id) => {
    await (cases[id] as Case)(world);
  });
});
