import { newId } from '@tokobapak/server';
import { createTestServer, expectProblem, outboxEvents, storeSession, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderPlugin } from '../src/index.js';
import { customerClient, orderSeeder } from './support.js';

const seeder = orderSeeder();
let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ plugins: [orderPlugin({ platformFeeBasisPoints: 250 }), seeder.plugin] });
});
afterAll(async () => {
  await server?.close();
});

describe('the order desk', () => {
  test('a paid order is accepted then completed; completion fixes the fee and publishes order.completed once', async () => {
    const storeId = newId('sto');
    const customer = customerClient(server);
    const {
      orderIds: [orderId],
    } = await seeder.seed({ customerId: customer.userId, stores: [{ storeId, lines: [{ quantity: 3, unitPrice: 33_333 }] }], feeBasisPoints: 250 });
    const merchant = storeSession(server, storeId);
    const id = orderId as string;

    // Not accepted yet: completing is refused and nothing is published.
    await expectProblem(merchant.order.completeOrder({ params: { orderId: id }, body: {} }), 409, 'ORDER_INVALID_TRANSITION');
    const accepted = await merchant.order.acceptOrder({ params: { orderId: id }, body: { note: 'Dikemas hari ini' } });
    expect(accepted.status).toBe('accepted');
    // Accepting again changes nothing.
    expect((await merchant.order.acceptOrder({ params: { orderId: id }, body: {} })).history).toHaveLength(3);

    const completed = await merchant.order.completeOrder({ params: { orderId: id }, body: {} });
    expect(completed.status).toBe('completed');
    // 99,999 × 2.5% = 2,499.975 → 2,499 (rounded down).
    expect(completed.platformFee).toEqual({ amount: 2_499, currency: 'IDR' });
    expect(completed.history.map((entry) => [entry.status, entry.by])).toEqual([
      ['pending_payment', 'customer'],
      ['paid', 'system'],
      ['accepted', 'store'],
      ['completed', 'store'],
    ]);
    expect(completed.history[2]?.note).toBe('Dikemas hari ini');
    await merchant.order.completeOrder({ params: { orderId: id }, body: {} });
    const events = await outboxEvents(server, ['order.completed'], { subject: id });
    expect(events.map((event) => event.data)).toEqual([
      {
        orderId: id,
        storeId,
        customerId: customer.userId,
        total: { amount: 99_999, currency: 'IDR' },
        refunded: { amount: 0, currency: 'IDR' },
        platformFee: { amount: 2_499, currency: 'IDR' },
        platformFeeBasisPoints: 250,
      },
    ]);
    // The customer reads the same history.
    expect((await customer.client.order.getMyOrder({ params: { orderId: id } })).history).toHaveLength(4);
  });

  test('an order waiting for its payment cannot be accepted; placing and paying published placed and confirmed', async () => {
    const storeId = newId('sto');
    const customer = customerClient(server);
    const {
      orderIds: [unpaid],
    } = await seeder.seed({ customerId: customer.userId, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 10_000 }] }], paid: false });
    await expectProblem(storeSession(server, storeId).order.acceptOrder({ params: { orderId: unpaid as string }, body: {} }), 409, 'ORDER_INVALID_TRANSITION');
    expect(await outboxEvents(server, ['order.placed', 'order.confirmed'], { subject: unpaid as string })).toEqual([
      expect.objectContaining({
        type: 'order.placed',
        data: expect.objectContaining({ storeId, customerId: customer.userId, total: { amount: 10_000, currency: 'IDR' } }),
      }),
    ]);
  });

  test('concurrent completions publish order.completed once', async () => {
    const storeId = newId('sto');
    const customer = customerClient(server);
    const {
      orderIds: [orderId],
    } = await seeder.seed({ customerId: customer.userId, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 50_000 }] }] });
    const merchant = storeSession(server, storeId);
    await merchant.order.acceptOrder({ params: { orderId: orderId as string }, body: {} });
    const results = await Promise.all(Array.from({ length: 10 }, () => merchant.order.completeOrder({ params: { orderId: orderId as string }, body: {} })));
    expect(new Set(results.map((order) => order.status))).toEqual(new Set(['completed']));
    expect(await outboxEvents(server, ['order.completed'], { subject: orderId as string })).toHaveLength(1);
  });
});

describe('statements', () => {
  test("placing a checkout's orders (two stores, their lines and history) is one statement, and confirming them one, with the same history and events", async () => {
    const [storeA, storeB] = [newId('sto'), newId('sto')];
    const customer = customerClient(server);
    const { checkoutId, orderIds, statements } = await seeder.seed({
      customerId: customer.userId,
      stores: [
        { storeId: storeA, lines: [{ quantity: 1, unitPrice: 1_000 }] },
        {
          storeId: storeB,
          lines: [
            { quantity: 2, unitPrice: 2_000 },
            { quantity: 1, unitPrice: 500 },
          ],
        },
      ],
    });
    // Before: the orders, the lines, the history (and the checkout's update) were a statement each; confirming locked, updated and recorded.
    expect(statements).toEqual({ place: 1, confirm: 1 });
    const checkout = await customer.client.order.getCheckout({ params: { checkoutId } });
    expect(checkout.orders.map((order) => [order.storeId, order.lines.length, order.history.map((entry) => [entry.status, entry.by])])).toEqual(
      [
        [
          storeA,
          1,
          [
            ['pending_payment', 'customer'],
            ['paid', 'system'],
          ],
        ],
        [
          storeB,
          2,
          [
            ['pending_payment', 'customer'],
            ['paid', 'system'],
          ],
        ],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    for (const type of ['order.placed', 'order.confirmed']) {
      const events = await outboxEvents(server, [type], { subject: orderIds[1] as string });
      expect(events.map((event) => event.data)).toEqual([
        expect.objectContaining({ orderId: orderIds[1], checkoutId, storeId: storeB, total: { amount: 4_500, currency: 'IDR' } }),
      ]);
    }
  });
});

describe('tenancy', () => {
  test("a store sees only its own orders and a customer only their own; another's is a 404", async () => {
    const [storeA, storeB] = [newId('sto'), newId('sto')];
    const alice = customerClient(server);
    const bob = customerClient(server);
    const { checkoutId, orderIds } = await seeder.seed({
      customerId: alice.userId,
      stores: [
        { storeId: storeA, lines: [{ quantity: 1, unitPrice: 1_000 }] },
        { storeId: storeB, lines: [{ quantity: 2, unitPrice: 2_000 }] },
      ],
    });
    const [orderA, orderB] = orderIds as [string, string];
    const merchantA = storeSession(server, storeA);
    expect((await merchantA.order.listStoreOrders({})).items.map((order) => order.id)).toEqual([orderA]);
    await expectProblem(merchantA.order.getStoreOrder({ params: { orderId: orderB } }), 404, 'ORDER_NOT_FOUND');
    await expectProblem(merchantA.order.acceptOrder({ params: { orderId: orderB }, body: {} }), 404, 'ORDER_NOT_FOUND');
    await expectProblem(merchantA.order.completeOrder({ params: { orderId: orderB }, body: {} }), 404, 'ORDER_NOT_FOUND');

    expect((await alice.client.order.listMyOrders({})).items.map((order) => order.id).sort()).toEqual([orderA, orderB].sort());
    const checkout = await alice.client.order.getCheckout({ params: { checkoutId } });
    expect(checkout.orders.map((order) => order.storeId).sort()).toEqual([storeA, storeB].sort());
    expect(checkout.total).toEqual({ amount: 5_000, currency: 'IDR' });
    expect((await bob.client.order.listMyOrders({})).items).toEqual([]);
    await expectProblem(bob.client.order.getMyOrder({ params: { orderId: orderA } }), 404, 'ORDER_NOT_FOUND');
    await expectProblem(bob.client.order.getCheckout({ params: { checkoutId } }), 404, 'ORDER_CHECKOUT_NOT_FOUND');
  });

  test('the desk lists by status and pages by cursor', async () => {
    const storeId = newId('sto');
    const customer = customerClient(server);
    for (let index = 0; index < 3; index += 1)
      await seeder.seed({ customerId: customer.userId, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 1_000 }] }] });
    await seeder.seed({ customerId: customer.userId, stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 1_000 }] }], paid: false });
    const merchant = storeSession(server, storeId);
    const first = await merchant.order.listStoreOrders({ query: { status: 'paid', limit: 2 } });
    expect(first.items).toHaveLength(2);
    const second = await merchant.order.listStoreOrders({ query: { status: 'paid', limit: 2, cursor: first.nextCursor as string } });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect((await merchant.order.listStoreOrders({ query: { status: 'pending_payment' } })).items).toHaveLength(1);
  });
});
