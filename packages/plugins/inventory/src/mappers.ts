import type { InventoryComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { InventoryDatabase } from './database.js';

type Schemas = InventoryComponents['schemas'];

/** A row of `products` (without the search vector). */
export type ProductRow = Selectable<InventoryDatabase['products']>;
/** A row of `variants`. */
export type VariantRow = Selectable<InventoryDatabase['variants']>;
/** A row of `reservations`. */
export type ReservationRow = Selectable<InventoryDatabase['reservations']>;
/** A row of `reservation_items`. */
export type ReservationItemRow = Selectable<InventoryDatabase['reservation_items']>;

/** The columns a `Variant` response is made of (the catalogue reads only these). */
export type VariantFields = Omit<VariantRow, 'store_id' | 'position' | 'created_at' | 'updated_at'>;
/** A product row whose timestamps may already be ISO text (the catalogue's). */
export type ProductFields = Omit<ProductRow, 'created_at' | 'updated_at'> & { created_at: Date | string; updated_at: Date | string };

/** Every column of `products` but the search vector, which no response needs. */
export const PRODUCT_COLUMNS = [
  'products.id',
  'products.store_id',
  'products.handle',
  'products.title',
  'products.description',
  'products.categories',
  'products.image_ids',
  'products.options',
  'products.status',
  'products.sold_out',
  'products.from_price',
  'products.currency',
  'products.created_at',
  'products.updated_at',
] as const;

/** A stored timestamp as the API shows it. */
export function iso(value: Date | string): string {
  // Strings are the catalogue's, already formatted by PostgreSQL (`to_char`, always UTC, milliseconds).
  return typeof value === 'string' ? value : value.toISOString();
}

/** What can still be bought of a variant. */
export function availableOf(row: Pick<VariantRow, 'stock_on_hand' | 'reserved'>): number {
  return row.stock_on_hand - row.reserved;
}

/** The `Variant` schema. */
export function toVariant(row: VariantFields): Schemas['Variant'] {
  const available = availableOf(row);
  return {
    id: row.id,
    productId: row.product_id,
    sku: row.sku,
    title: row.title,
    optionValues: row.option_values,
    price: { amount: Number(row.price_amount), currency: row.currency },
    weight: row.weight,
    stockOnHand: row.stock_on_hand,
    reserved: row.reserved,
    available,
    soldOut: available <= 0,
  };
}

/** The `Product` schema, with its variants (already in position order). */
export function toProduct(row: ProductFields, variants: VariantFields[]): Schemas['Product'] {
  return {
    id: row.id,
    storeId: row.store_id,
    handle: row.handle,
    title: row.title,
    description: row.description,
    categories: row.categories,
    imageIds: row.image_ids,
    options: row.options,
    variants: variants.map(toVariant),
    status: row.status,
    soldOut: row.sold_out,
    fromPrice: { amount: Number(row.from_price), currency: row.currency },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A product as an import row (`ProductInput`): exporting and importing it again changes nothing. */
export function toProductInput(row: ProductRow, variants: VariantRow[]): Schemas['ProductInput'] {
  return {
    title: row.title,
    handle: row.handle,
    description: row.description,
    categories: row.categories,
    imageIds: row.image_ids,
    options: row.options,
    variants: variants.map((variant) => ({
      sku: variant.sku,
      title: variant.title,
      optionValues: variant.option_values,
      price: { amount: Number(variant.price_amount), currency: variant.currency },
      weight: variant.weight,
      stockOnHand: variant.stock_on_hand,
    })),
    status: row.status === 'active' ? 'active' : 'draft',
  };
}

/** The `Reservation` schema. */
export function toReservation(row: ReservationRow, items: ReservationItemRow[]): Schemas['Reservation'] {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    expiresAt: iso(row.expires_at),
    items: items.map((item) => ({ variantId: item.variant_id, productId: item.product_id, storeId: item.store_id, quantity: item.quantity })),
    createdAt: iso(row.created_at),
  };
}
