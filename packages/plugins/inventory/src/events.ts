import type { Subscription } from '@tokobapak/server';
import type { InventoryDatabase } from './database.js';

/** Events the inventory service publishes. */
export const INVENTORY_EVENTS = {
  productCreated: 'inventory.product-created',
  productUpdated: 'inventory.product-updated',
  productArchived: 'inventory.product-archived',
  /** A variant's stock changed (reserve, commit, release, expiry, a new stock count, an edit). */
  stockChanged: 'inventory.stock-changed',
  /** The product as a whole has nothing available any more. */
  productSoldOut: 'inventory.product-sold-out',
  /** A sold-out product has something available again. */
  productBackInStock: 'inventory.product-back-in-stock',
} as const;

/** Events of the merchant service this service consumes. */
export const MERCHANT_EVENTS = {
  storeSuspended: 'merchant.store-suspended',
  storeReinstated: 'merchant.store-reinstated',
} as const;

/** Data of `inventory.product-created`, `-updated` and `-archived`. */
export interface ProductEventData {
  productId: string;
  storeId: string;
}

/** Data of `inventory.stock-changed`. */
export interface StockChangedData {
  variantId: string;
  productId: string;
  storeId: string;
  available: number;
  soldOut: boolean;
}

/** Data of `inventory.product-sold-out` and `inventory.product-back-in-stock`: image-proxy greys the images out. */
export interface ProductAvailabilityData {
  productId: string;
  storeId: string;
  imageIds: string[];
}

/** Data of `merchant.store-suspended` and `merchant.store-reinstated`. */
export interface StoreStatusData {
  storeId: string;
}

/**
 * `merchant.store-suspended` / `merchant.store-reinstated` → the store's products leave or rejoin the
 * public catalogue. An event older than the one applied last changes nothing, so late arrivals are harmless.
 */
export const trackStoreStatus: Subscription<InventoryDatabase> = {
  name: 'track-store-status',
  types: [MERCHANT_EVENTS.storeSuspended, MERCHANT_EVENTS.storeReinstated],
  async handle(event, tx) {
    const data = event.data as Partial<StoreStatusData> | null;
    if (typeof data?.storeId !== 'string') {
      // Thrown rather than skipped: after its retries the event lands in the dead letters, where an operator sees it.
      throw new Error(`${event.type} ${event.id} from ${event.source} has no storeId`);
    }
    const changedAt = new Date(event.time);
    await tx.db
      .insertInto('store_status')
      .values({ store_id: data.storeId, suspended: event.type === MERCHANT_EVENTS.storeSuspended, changed_at: changedAt })
      .onConflict((conflict) =>
        conflict
          .column('store_id')
          .doUpdateSet((eb) => ({ suspended: eb.ref('excluded.suspended'), changed_at: eb.ref('excluded.changed_at') }))
          .where('store_status.changed_at', '<=', changedAt),
      )
      .execute();
  },
};
