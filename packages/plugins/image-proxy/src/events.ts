import type { Subscription } from '@tokobapak/server';
import type { ImageProxyDatabase } from './database.js';

/** Events the image-proxy service publishes. */
export const IMAGE_PROXY_EVENTS = {
  /** An image was uploaded and stored. */
  imageUploaded: 'image-proxy.image-uploaded',
  /** An image and its variants were deleted; other services drop references to it. */
  imageDeleted: 'image-proxy.image-deleted',
} as const;

/** Inventory events this service consumes. */
export const INVENTORY_STOCK_EVENTS = {
  soldOut: 'inventory.product-sold-out',
  backInStock: 'inventory.product-back-in-stock',
} as const;

/** Data of `image-proxy.image-uploaded`. */
export interface ImageUploadedData {
  imageId: string;
  storeId: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}

/** Data of `image-proxy.image-deleted`. */
export interface ImageDeletedData {
  imageId: string;
  storeId: string;
}

/** Data of `inventory.product-sold-out` and `inventory.product-back-in-stock`, as this service reads it. */
export interface ProductStockData {
  productId: string;
  storeId: string;
  imageIds: string[];
}

/**
 * `inventory.product-sold-out` / `inventory.product-back-in-stock` → which images are served in
 * greyscale. A product's image list is replaced on each event (its images may have changed), and
 * an event older than the last one applied for the product is ignored, so late delivery cannot
 * bring colour back to a sold-out product.
 */
export const trackSoldOutImages: Subscription<ImageProxyDatabase> = {
  name: 'track-sold-out-images',
  types: [INVENTORY_STOCK_EVENTS.soldOut, INVENTORY_STOCK_EVENTS.backInStock],
  async handle(event, tx) {
    const data = readStockData(event.data);
    // Thrown rather than skipped: after its retries the event lands in the dead letters, where an operator sees it.
    if (!data) throw new Error(`${event.type} ${event.id} from ${event.source} has no productId, storeId or imageIds`);
    const soldOut = event.type === INVENTORY_STOCK_EVENTS.soldOut;
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
};

function readStockData(data: unknown): ProductStockData | undefined {
  const candidate = data as Partial<ProductStockData> | null;
  if (typeof candidate?.productId !== 'string' || typeof candidate.storeId !== 'string') return undefined;
  if (!Array.isArray(candidate.imageIds) || !candidate.imageIds.every((id) => typeof id === 'string')) return undefined;
  return { productId: candidate.productId, storeId: candidate.storeId, imageIds: candidate.imageIds };
}
