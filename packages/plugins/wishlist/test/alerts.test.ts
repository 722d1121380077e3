import { eventTypes } from '@tokobapak/sdk';
import type { EventEnvelope, NewEvent } from '@tokobapak/server';
import { eventually, outboxEvents, signUp, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { announceBackInStock } from '../src/alerts.js';
import { startServer, stockedProduct } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const backInStock = (customerId: string) => outboxEvents(server, [eventTypes.wishlist.itemBackInStock], { subject: customerId });
const priceDrops = (customerId: string) => outboxEvents(server, [eventTypes.wishlist.priceDropped], { subject: customerId });

describe('alerts for the notification service', () => {
  test('a sold-out product back in stock: one event per customer who wished for it, naming their variants', async () => {
    const ani = await signUp(server);
    const budi = await signUp(server);
    const bystander = await signUp(server);
    const { merchant, product } = await stockedProduct(server, [0, 0]);
    const { product: other } = await stockedProduct(server, [0, 0]);
    const [small, large] = product.variants;
    await ani.client.wishlist.addWishlistItem({ body: { variantId: small!.id } });
    await ani.client.wishlist.addWishlistItem({ body: { variantId: large!.id } });
    await budi.client.wishlist.addWishlistItem({ body: { variantId: large!.id } });
    await bystander.client.wishlist.addWishlistItem({ body: { variantId: other.variants[0]!.id } });

    await merchant.inventory.setVariantStock({ params: { variantId: small!.id }, body: { stockOnHand: 4 } });

    await eventually(async () => {
      expect((await backInStock(ani.user.id)).map((event) => event.data)).toEqual([
        { customerId: ani.user.id, productId: product.id, storeId: product.storeId, variantIds: [small!.id, large!.id] },
      ]);
      expect((await backInStock(budi.user.id)).map((event) => event.data)).toEqual([
        { customerId: budi.user.id, productId: product.id, storeId: product.storeId, variantIds: [large!.id] },
      ]);
    });
    expect(await backInStock(bystander.user.id)).toEqual([]);
  });

  test('the same back-in-stock event delivered again publishes nothing more', async () => {
    const ani = await signUp(server);
    const { product } = await stockedProduct(server, [0, 0]);
    await ani.client.wishlist.addWishlistItem({ body: { variantId: product.variants[0]!.id } });
    const event: EventEnvelope<{ productId: string; storeId: string; imageIds: string[] }> = {
      specversion: '1.0',
      id: `evt_redelivered_${product.id}`,
      type: eventTypes.inventory.productBackInStock,
      source: 'inventory',
      time: new Date().toISOString(),
      subject: product.id,
      data: { productId: product.id, storeId: product.storeId, imageIds: [] },
    };
    const published: NewEvent[] = [];
    const deliver = () =>
      server.database.db.transaction().execute((trx) =>
        announceBackInStock.handle(
          event as never,
          {
            db: trx.withSchema('wishlist') as never,
            publish: async (next: NewEvent) => {
              published.push(next);
            },
            publishMany: async (next: readonly NewEvent[]) => {
              published.push(...next);
            },
          } as never,
        ),
      );
    await deliver();
    await deliver();
    expect(published.map((next) => next.data)).toEqual([
      { customerId: ani.user.id, productId: product.id, storeId: product.storeId, variantIds: [product.variants[0]!.id] },
    ]);
  });

  test('a price drop below the price the customer saw: one event per wished variant, once; a rise is no alert', async () => {
    const ani = await signUp(server);
    const budi = await signUp(server);
    const { merchant, product, input } = await stockedProduct(server);
    const [small, large] = product.variants;
    const small_ = await ani.client.wishlist.addWishlistItem({ body: { variantId: small!.id } });
    await budi.client.wishlist.addWishlistItem({ body: { variantId: large!.id } });
    const reprice = (amounts: [number, number]) =>
      merchant.inventory.updateProduct({
        params: { productId: product.id },
        body: { variants: input.variants.map((variant, index) => ({ ...variant, price: { amount: amounts[index]!, currency: 'IDR' } })) },
      });

    // Small gets cheaper, large dearer: only Ani hears of it.
    await reprice([79000, 320000]);
    await eventually(async () => {
      expect((await priceDrops(ani.user.id)).map((event) => event.data)).toEqual([
        {
          customerId: ani.user.id,
          itemId: small_.id,
          productId: product.id,
          variantId: small!.id,
          storeId: product.storeId,
          previousPrice: { amount: 85000, currency: 'IDR' },
          price: { amount: 79000, currency: 'IDR' },
        },
      ]);
    });
    // An edit that leaves the price alone announces nothing again; large coming back down from its
    // rise is a drop from the 320,000 Budi was last shown.
    await merchant.inventory.updateProduct({ params: { productId: product.id }, body: { title: 'Kopi Gayo Wine' } });
    await reprice([79000, 310000]);
    await eventually(async () => {
      expect((await priceDrops(budi.user.id)).map((event) => [event.data.previousPrice, event.data.price])).toEqual([
        [
          { amount: 320000, currency: 'IDR' },
          { amount: 310000, currency: 'IDR' },
        ],
      ]);
    });
    expect(await priceDrops(ani.user.id)).toHaveLength(1);
    expect((await ani.client.wishlist.listWishlistItems({ query: {} })).items[0]).toMatchObject({ seenPrice: { amount: 79000 }, priceDropped: false });
  });

  test('a deleted account’s wishlist is erased and the erasure acknowledged', async () => {
    const ani = await signUp(server);
    const { product } = await stockedProduct(server);
    await ani.client.wishlist.addWishlistItem({ body: { variantId: product.variants[0]!.id } });
    await ani.client.user.deleteAccount({ body: { password: ani.password, confirm: 'DELETE' } });
    await eventually(async () => {
      const acks = await outboxEvents(server, [eventTypes.user.deletionAcknowledged], { subject: ani.user.id });
      expect(acks.map((event) => event.data)).toContainEqual({ userId: ani.user.id, service: 'wishlist' });
    });
    const left = await server.database.db
      .withSchema('wishlist')
      .selectFrom('items' as never)
      .selectAll()
      .where('customer_id' as never, '=', ani.user.id as never)
      .execute();
    expect(left).toEqual([]);
  });
});
