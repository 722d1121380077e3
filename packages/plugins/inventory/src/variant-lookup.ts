import type { InventoryComponents } from '@tokobapak/sdk';
import { queryTemplate } from '@tokobapak/server';
import { type Kysely, sql } from 'kysely';
import type { InventoryDatabase, ProductStatus } from './database.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;

interface SnapshotRow {
  id: string;
  product_id: string;
  store_id: string;
  sku: string;
  title: string | null;
  option_values: Record<string, string>;
  price_amount: string | number;
  currency: string;
  weight: number;
  stock_on_hand: number;
  reserved: number;
  product_title: string;
  product_handle: string;
  categories: string[];
  image_ids: string[];
  status: ProductStatus;
  suspended: boolean | null;
}

/**
 * Every variant named, with its product and its store's standing, in one statement: a cart of 30
 * lines is one round trip. Draft products are left out (only their store sees them).
 */
const snapshotQuery = queryTemplate<InventoryDatabase, { ids: string[] }, SnapshotRow>({
  name: 'variant_lookup',
  build: (db, p) =>
    db
      .selectFrom('variants')
      .innerJoin('products', 'products.id', 'variants.product_id')
      .leftJoin('store_status', 'store_status.store_id', 'products.store_id')
      .select([
        'variants.id',
        'variants.product_id',
        'variants.store_id',
        'variants.sku',
        'variants.title',
        'variants.option_values',
        'variants.price_amount',
        'variants.currency',
        'variants.weight',
        'variants.stock_on_hand',
        'variants.reserved',
        'products.title as product_title',
        'products.handle as product_handle',
        'products.categories',
        'products.image_ids',
        'products.status',
        'store_status.suspended',
      ])
      .where(sql<boolean>`variants.id = any(${p.ids}::text[])`)
      .where('products.status', '<>', 'draft'),
});

/** The variants named by `ids` as they are now; ids of no variant (or of a draft product) come back in `missingIds`. */
export async function getVariants(db: Db, ids: string[]): Promise<Schemas['VariantLookup']> {
  const unique = [...new Set(ids)];
  const rows = await snapshotQuery.execute(db, { ids: unique });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const items: Schemas['VariantSnapshot'][] = [];
  const missingIds: string[] = [];
  for (const id of unique) {
    const row = byId.get(id);
    if (row) items.push(toSnapshot(row));
    else missingIds.push(id);
  }
  return { items, missingIds };
}

function toSnapshot(row: SnapshotRow): Schemas['VariantSnapshot'] {
  const purchasable = row.status === 'active' && row.suspended !== true;
  // A product that cannot be bought has nothing available, whatever its stock count says.
  const available = purchasable ? Math.max(0, row.stock_on_hand - row.reserved) : 0;
  return {
    variantId: row.id,
    productId: row.product_id,
    storeId: row.store_id,
    productTitle: row.product_title,
    productHandle: row.product_handle,
    variantTitle: row.title,
    sku: row.sku,
    optionValues: row.option_values,
    price: { amount: Number(row.price_amount), currency: row.currency },
    weight: row.weight,
    available,
    soldOut: available <= 0,
    purchasable,
    categories: row.categories,
    imageId: row.image_ids[0] ?? null,
  };
}
