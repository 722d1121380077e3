import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, type ManualClock, manualClock, outboxEvents, serviceClient, storeSession } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MerchantEvents, newStoreId, simpleProduct, startServer, unique } from './support.js';

let server: TestServer & { merchant: MerchantEvents };
let clock: ManualClock;

beforeAll(async () => {
  clock = manualClock();
  // A long sweep interval: the tests below drive expiry through the clock, not the timer.
  server = await startServer({ clock, inventory: { sweepIntervalSeconds: 3600 } });
});
afterAll(async () => {
  await server?.close();
});

async function product(stock: number, storeId = newStoreId()) {
  const created = await storeSession(server, storeId).inventory.createProduct({ body: simpleProduct('Sambal Bu Rudy', 45000, stock) });
  return { product: created, variantId: created.variants[0]?.id as string, storeId };
}

async function variant(productId: string) {
  return (await server.client().inventory.getProduct({ params: { productId } })).variants[0];
}

describe('stock reservations', () => {
  test('stock 5, 50 concurrent reservations of 1: exactly 5 succeed', async () => {
    const { product: created, variantId } = await product(5);
    const order = serviceClient(server, 'order');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 1 }] } })),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(5);
    for (const failure of lost) expect(failure.reason).toMatchObject({ status: 409, code: 'INVENTORY_INSUFFICIENT_STOCK' });
    expect(await variant(created.id)).toMatchObject({ stockOnHand: 5, reserved: 5, available: 0, soldOut: true });
    expect((await server.client().inventory.getProduct({ params: { productId: created.id } })).soldOut).toBe(true);
    const flips = (await outboxEvents(server, ['inventory.product-sold-out'])).filter((event) => event.data.productId === created.id);
    expect(flips).toHaveLength(1);
  });

  test('all items or none, and the refusal names the short variants', async () => {
    const plenty = await product(10);
    const scarce = await product(1);
    const order = serviceClient(server, 'order');
    const problem = await expectProblem(
      order.inventory.reserveStock({
        body: {
          reference: unique('chk'),
          items: [
            { variantId: plenty.variantId, quantity: 3 },
            { variantId: scarce.variantId, quantity: 2 },
          ],
        },
      }),
      409,
      'INVENTORY_INSUFFICIENT_STOCK',
    );
    expect(problem.errors).toEqual([{ pointer: '#/items/1/quantity', message: `${scarce.variantId}: 1 available` }]);
    expect(await variant(plenty.product.id)).toMatchObject({ reserved: 0, available: 10 });
    await expectProblem(
      order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId: `var_${'0'.repeat(26)}`, quantity: 1 }] } }),
      404,
      'INVENTORY_VARIANT_NOT_FOUND',
    );
  });

  // Every variant of a reservation (and of a commit) is written by one statement that locks them in
  // variant id order: reservations naming the same variants in either order, and their commits,
  // all at once, neither oversell nor deadlock, and each written variant's stock event goes out.
  test('two variants, stock 3 each, 20 concurrent reservations of both in either order: exactly 3 succeed; their concurrent commits take the stock once', async () => {
    const storeId = newStoreId();
    const first = await product(3, storeId);
    const second = await product(3, storeId);
    const order = serviceClient(server, 'order');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => {
        const pair = [
          { variantId: first.variantId, quantity: 1 },
          { variantId: second.variantId, quantity: 1 },
        ];
        return order.inventory.reserveStock({ body: { reference: unique('chk'), items: index % 2 === 0 ? pair : pair.reverse() } });
      }),
    );
    const won = results.filter((result) => result.status === 'fulfilled').map((result) => result.value);
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(3);
    for (const failure of lost) expect(failure.reason).toMatchObject({ status: 409, code: 'INVENTORY_INSUFFICIENT_STOCK' });
    for (const reservation of won) expect(reservation.items.map((item) => item.variantId)).toEqual([first.variantId, second.variantId].sort());
    expect(await variant(first.product.id)).toMatchObject({ stockOnHand: 3, reserved: 3 });
    expect(await variant(second.product.id)).toMatchObject({ stockOnHand: 3, reserved: 3 });

    const before = (await outboxEvents(server, ['inventory.stock-changed'])).length;
    const committed = await Promise.all(won.map((reservation) => order.inventory.commitReservation({ params: { reservationId: reservation.id } })));
    expect(committed.map((reservation) => reservation.status)).toEqual(['committed', 'committed', 'committed']);
    expect(committed.map((reservation) => reservation.items)).toEqual(won.map((reservation) => reservation.items));
    expect(await variant(first.product.id)).toMatchObject({ stockOnHand: 0, reserved: 0, available: 0 });
    expect(await variant(second.product.id)).toMatchObject({ stockOnHand: 0, reserved: 0, available: 0 });
    // Committed again: nothing more leaves the shelf, and no event.
    await Promise.all(won.map((reservation) => order.inventory.commitReservation({ params: { reservationId: reservation.id } })));
    expect(await variant(first.product.id)).toMatchObject({ stockOnHand: 0, reserved: 0 });
    const ours = new Set([first.variantId, second.variantId]);
    const changes = (await outboxEvents(server, ['inventory.stock-changed']))
      .slice(before)
      .filter((event) => event.subject !== null && ours.has(event.subject));
    expect(changes).toHaveLength(6);
    expect(changes.map((event) => event.data.available)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test("a person's valid token is the wrong kind of credential: 403 naming the service credential, not 401", async () => {
    const { variantId, storeId } = await product(3);
    const problem = await expectProblem(
      storeSession(server, storeId).inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 1 }] } }),
      403,
      'SERVICE_CREDENTIAL_REQUIRED',
    );
    expect(problem.detail).toContain('tokobapak service-token --service');
    // With no credential at all it stays a 401.
    await expectProblem(
      server.client().inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 1 }] } }),
      401,
      'UNAUTHENTICATED',
    );
  });

  test('the same reference gives the same reservation', async () => {
    const { variantId, product: created } = await product(10);
    const order = serviceClient(server, 'order');
    const reference = unique('chk');
    const body = { reference, items: [{ variantId, quantity: 2 }] };
    const [first, second] = await Promise.all([order.inventory.reserveStock({ body }), order.inventory.reserveStock({ body })]);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ reference, status: 'active', items: [{ variantId, productId: created.id, quantity: 2 }] });
    expect(first.id).toMatch(/^res_[0-9a-z]{26}$/);
    expect(await variant(created.id)).toMatchObject({ reserved: 2 });
    await expectProblem(order.inventory.reserveStock({ body: { reference, items: [{ variantId, quantity: 3 }] } }), 409, 'INVENTORY_RESERVATION_MISMATCH');
  });

  test('a reservation of more items than its statement is compiled for (20) is reserved and committed all the same', async () => {
    const storeId = newStoreId();
    const products = [];
    for (let index = 0; index < 21; index += 1) products.push(await product(2, storeId));
    const order = serviceClient(server, 'order');
    const items = products.map(({ variantId }) => ({ variantId, quantity: 1 }));
    const reservation = await order.inventory.reserveStock({ body: { reference: unique('chk'), items } });
    expect(reservation.items).toHaveLength(21);
    expect(await variant(products[20]?.product.id as string)).toMatchObject({ stockOnHand: 2, reserved: 1 });
    expect((await order.inventory.commitReservation({ params: { reservationId: reservation.id } })).status).toBe('committed');
    expect(await variant(products[0]?.product.id as string)).toMatchObject({ stockOnHand: 1, reserved: 0 });
  });

  test('commit takes the stock off the shelf once; releasing a committed reservation is refused', async () => {
    const { variantId, product: created } = await product(4);
    const order = serviceClient(server, 'order');
    const reservation = await order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 3 }] } });
    const committed = await order.inventory.commitReservation({ params: { reservationId: reservation.id } });
    expect(committed.status).toBe('committed');
    expect(await order.inventory.commitReservation({ params: { reservationId: reservation.id } })).toEqual(committed);
    expect(await variant(created.id)).toMatchObject({ stockOnHand: 1, reserved: 0, available: 1 });
    await expectProblem(order.inventory.releaseReservation({ params: { reservationId: reservation.id } }), 409, 'INVENTORY_RESERVATION_NOT_ACTIVE');
    await expectProblem(order.inventory.commitReservation({ params: { reservationId: `res_${'0'.repeat(26)}` } }), 404, 'INVENTORY_RESERVATION_NOT_FOUND');
  });

  test('releasing twice changes nothing, and a released reservation cannot be committed', async () => {
    const { variantId, product: created } = await product(2);
    const order = serviceClient(server, 'order');
    const reservation = await order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 2 }] } });
    expect((await server.client().inventory.getProduct({ params: { productId: created.id } })).soldOut).toBe(true);
    const released = await order.inventory.releaseReservation({ params: { reservationId: reservation.id } });
    expect(released.status).toBe('released');
    expect(await order.inventory.releaseReservation({ params: { reservationId: reservation.id } })).toEqual(released);
    expect(await variant(created.id)).toMatchObject({ stockOnHand: 2, reserved: 0, available: 2, soldOut: false });
    await expectProblem(order.inventory.commitReservation({ params: { reservationId: reservation.id } }), 409, 'INVENTORY_RESERVATION_NOT_ACTIVE');

    const flips = (await outboxEvents(server, ['inventory.product-sold-out', 'inventory.product-back-in-stock'])).filter(
      (event) => event.data.productId === created.id,
    );
    expect(flips.map((event) => event.type)).toEqual(['inventory.product-sold-out', 'inventory.product-back-in-stock']);
    expect(flips[0]?.data).toEqual({ productId: created.id, storeId: created.storeId, imageIds: [] });
    const changes = (await outboxEvents(server, ['inventory.stock-changed'])).filter((event) => event.data.variantId === variantId);
    // Created with 2, reserved to 0, released back to 2 (the second release published nothing).
    expect(changes.map((event) => event.data.available)).toEqual([2, 0, 2]);
  });

  test('expired reservations return their stock', async () => {
    const { variantId, product: created } = await product(3);
    const order = serviceClient(server, 'order');
    const reservation = await order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 3 }], ttlSeconds: 60 } });
    expect(reservation.expiresAt).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
    clock.advance(59_000);
    await expectProblem(
      order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 1 }] } }),
      409,
      'INVENTORY_INSUFFICIENT_STOCK',
    );
    clock.advance(2_000);
    // A reservation that finds its stock sweeps nothing: the expired hold on this variant stays.
    const { variantId: otherVariantId } = await product(1);
    await order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId: otherVariantId, quantity: 1 }] } });
    expect(await variant(created.id)).toMatchObject({ reserved: 3, available: 0 });
    // One refused for stock sweeps the expired hold and tries again, so its stock is there to take.
    const next = await order.inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 1 }] } });
    expect(next.status).toBe('active');
    expect(await variant(created.id)).toMatchObject({ reserved: 1, available: 2 });
    await expectProblem(order.inventory.commitReservation({ params: { reservationId: reservation.id } }), 409, 'INVENTORY_RESERVATION_NOT_ACTIVE');
    expect((await order.inventory.releaseReservation({ params: { reservationId: reservation.id } })).status).toBe('expired');
  });

  test('the scheduled sweep returns the stock of expired reservations once their interval comes, with no checkout running', async () => {
    const { variantId, product: created } = await product(2);
    await serviceClient(server, 'order').inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 2 }], ttlSeconds: 60 } });
    clock.advance(61_000);
    await server.jobs.tick();
    // Expired, but the sweep's hour has not come: the stock is still held.
    expect(await variant(created.id)).toMatchObject({ reserved: 2, available: 0 });
    clock.advance(3_600_000);
    await server.jobs.tick();
    expect(await variant(created.id)).toMatchObject({ reserved: 0, available: 2 });
  });

  test('the stock on hand never goes below what is reserved', async () => {
    const { variantId, storeId } = await product(5);
    await serviceClient(server, 'order').inventory.reserveStock({ body: { reference: unique('chk'), items: [{ variantId, quantity: 4 }] } });
    const merchant = storeSession(server, storeId);
    await expectProblem(merchant.inventory.setVariantStock({ params: { variantId }, body: { stockOnHand: 3 } }), 409, 'INVENTORY_STOCK_BELOW_RESERVED');
    expect(await merchant.inventory.setVariantStock({ params: { variantId }, body: { stockOnHand: 4 } })).toMatchObject({ available: 0, soldOut: true });
  });
});
