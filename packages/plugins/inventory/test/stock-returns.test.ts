import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, outboxEvents, serviceClient, storeSession } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newStoreId, simpleProduct, startServer, unique } from './support.js';

// Units of a sale put back (an order cancelled before it shipped): once per reference, whatever
// the retries, and only by a service.

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('stock returns', () => {
  test('10 concurrent returns with one reference add the stock once; a sold-out product is back in stock', async () => {
    const storeId = newStoreId();
    const created = await storeSession(server, storeId).inventory.createProduct({ body: simpleProduct('Kopi Toraja', 60000, 0) });
    const variantId = created.variants[0]?.id as string;
    const order = serviceClient(server, 'order');
    const reference = unique('orf');
    const gone = `var_${'0'.repeat(26)}`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        order.inventory.returnStock({
          body: {
            reference,
            items: [
              { variantId, quantity: 2 },
              { variantId: gone, quantity: 1 },
              { variantId, quantity: 1 },
            ],
          },
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer.items).toEqual([
        { variantId: gone, quantity: 1, returned: false },
        { variantId, quantity: 3, returned: true },
      ]);
    }
    const product = await server.client().inventory.getProduct({ params: { productId: created.id } });
    expect(product.variants[0]).toMatchObject({ stockOnHand: 3, available: 3, soldOut: false });
    expect((await outboxEvents(server, ['inventory.product-back-in-stock'])).filter((event) => event.data.productId === created.id)).toHaveLength(1);
  });

  test('only services may return stock, and bad input is a 400', async () => {
    const body = { reference: unique('orf'), items: [{ variantId: `var_${'1'.repeat(26)}`, quantity: 1 }] };
    await expectProblem(storeSession(server, newStoreId()).inventory.returnStock({ body }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
    await expectProblem(serviceClient(server, 'order').inventory.returnStock({ body: { ...body, items: [] } }), 400, 'VALIDATION_FAILED');
    await expectProblem(
      serviceClient(server, 'order').inventory.returnStock({ body: { ...body, items: [{ variantId: 'x', quantity: 1 }] } }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
