import { eventTypes } from '@tokobapak/sdk';
import type { TxContext } from '@tokobapak/server';
import { sql } from 'kysely';
import type { InventoryDatabase } from './database.js';
import type { InventoryEvent } from './events.js';
import type { InventoryEvents } from './generated/manifest.js';
import { availableOf, type VariantRow } from './mappers.js';

/** A transaction of the inventory schema. */
export type Tx = TxContext<InventoryDatabase, InventoryEvents>;

/** Publishes `inventory.stock-changed` for a variant as it is now. */
export async function publishStockChanged(tx: Tx, variant: StockOf): Promise<void> {
  await tx.publish(stockChangedEvent(variant));
}

type StockOf = Pick<VariantRow, 'id' | 'product_id' | 'store_id' | 'stock_on_hand' | 'reserved'>;

/** The `inventory.stock-changed` event of a variant as it is now (for `publishMany`). */
export function stockChangedEvent(variant: StockOf): InventoryEvent {
  const available = availableOf(variant);
  return {
    type: eventTypes.inventory.stockChanged,
    subject: variant.id,
    data: { variantId: variant.id, productId: variant.product_id, storeId: variant.store_id, available, soldOut: available <= 0 },
  };
}

/**
 * Brings `products.sold_out` in step with the variants of these products, and publishes
 * `inventory.product-sold-out` / `-back-in-stock` for each product that flips. Call it after the
 * variant writes of a transaction: it locks each product row (in id order, after every variant
 * lock, so it cannot deadlock with another stock change), and the statements after the lock see
 * whatever a concurrent transaction on another variant of the same product committed, so a flip
 * is never missed nor published twice.
 */
export async function refreshSoldOut(tx: Tx, productIds: Iterable<string>): Promise<void> {
  for (const productId of [...new Set(productIds)].sort()) {
    const product = await tx.db
      .selectFrom('products')
      .select(['id', 'store_id', 'image_ids', 'sold_out'])
      .where('id', '=', productId)
      .forUpdate()
      .executeTakeFirst();
    if (!product) continue;
    const inStock = await tx.db
      .selectFrom('variants')
      .select('id')
      .where('product_id', '=', productId)
      .where(sql<number>`stock_on_hand - reserved`, '>', 0)
      .limit(1)
      .executeTakeFirst();
    const soldOut = inStock === undefined;
    if (soldOut === product.sold_out) continue;
    await tx.db.updateTable('products').set({ sold_out: soldOut }).where('id', '=', productId).execute();
    await tx.publish({
      type: soldOut ? eventTypes.inventory.productSoldOut : eventTypes.inventory.productBackInStock,
      subject: productId,
      data: { productId, storeId: product.store_id, imageIds: product.image_ids },
    });
  }
}
