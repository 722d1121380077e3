import type { WishlistComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { WishlistDatabase } from './database.js';
import type { VariantSnapshot } from './variants.js';

type Schemas = WishlistComponents['schemas'];
export type ItemRow = Selectable<WishlistDatabase['items']>;

/** An item row with its variant as inventory has it now (undefined: inventory no longer shows it). */
export function toWishlistItem(row: ItemRow, live: VariantSnapshot | undefined): Schemas['WishlistItem'] {
  const seenPrice = { amount: Number(row.seen_amount), currency: row.seen_currency };
  const variant: Schemas['WishedVariant'] | null = live
    ? {
        productTitle: live.productTitle,
        productHandle: live.productHandle,
        variantTitle: live.variantTitle,
        sku: live.sku,
        price: live.price,
        available: live.available,
        soldOut: live.soldOut,
        purchasable: live.purchasable,
        imageId: live.imageId,
      }
    : null;
  return {
    id: row.id,
    variantId: row.variant_id,
    productId: row.product_id,
    storeId: row.store_id,
    status: !live?.purchasable ? 'unavailable' : live.soldOut ? 'sold_out' : 'available',
    seenPrice,
    priceDropped: !!live && live.price.currency === seenPrice.currency && live.price.amount < seenPrice.amount,
    variant,
    addedAt: new Date(row.added_at).toISOString(),
  };
}
