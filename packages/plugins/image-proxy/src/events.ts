import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber } from '@tokobapak/server';
import type { ImageProxyDatabase } from './database.js';
import type { ImageProxyEvents } from './generated/manifest.js';

const subscribe = eventSubscriber<ImageProxyDatabase, ImageProxyEvents>();

/**
 * `inventory.product-sold-out` / `inventory.product-back-in-stock` → which images are served in
 * greyscale. A product's image list is replaced on each event (its images may have changed), and
 * an event older than the last one applied for the product is ignored, so late delivery cannot
 * bring colour back to a sold-out product.
 */
export const trackSoldOutImages = subscribe({
  name: 'track-sold-out-images',
  types: [eventTypes.inventory.productSoldOut, eventTypes.inventory.productBackInStock],
  async handle(event, tx) {
    const data = event.data;
    const soldOut = event.type === eventTypes.inventory.productSoldOut;
    const changedAt = new Date(event.time);

    const last = await tx.db.selectFrom('product_stock').select('changed_at').where('product_id', '=', data.productId).executeTakeFirst();
    if (last && new Date(last.changed_at).getTime() > changedAt.getTime()) return;
    await tx.db
      .insertInto('product_stock')
      .values({ product_id: data.productId, sold_out: soldOut, changed_at: changedAt })
      .onConflict((conflict) => conflict.column('product_id').doUpdateSet({ sold_out: soldOut, changed_at: changedAt }))
      .execute();
    await tx.db.deleteFrom('sold_out_images').where('product_id', '=', data.productId).execute();
    const imageIds = [...new Set(data.imageIds)];
    if (soldOut && imageIds.length > 0) {
      await tx.db
        .insertInto('sold_out_images')
        .values(imageIds.map((imageId) => ({ image_id: imageId, product_id: data.productId, store_id: data.storeId })))
        .execute();
    }
  },
});
