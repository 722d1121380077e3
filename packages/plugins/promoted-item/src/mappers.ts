import type { PromotedItemComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { PromotedItemDatabase } from './database.js';

type Schemas = PromotedItemComponents['schemas'];

/** A row of `banners`. */
export type BannerRow = Selectable<PromotedItemDatabase['banners']>;
/** A row of `promotions`. */
export type PromotionRow = Selectable<PromotedItemDatabase['promotions']>;

/** A stored timestamp as the API shows it. */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

/** The `Banner` schema. */
export function toBanner(row: BannerRow): Schemas['Banner'] {
  return {
    id: row.id,
    scope: row.scope,
    storeId: row.store_id,
    placement: row.placement,
    title: row.title,
    imageId: row.image_id,
    linkUrl: row.link_url,
    startsAt: iso(row.starts_at),
    endsAt: row.ends_at === null ? null : iso(row.ends_at),
    priority: row.priority,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The `ProductPromotion` schema. */
export function toPromotion(row: PromotionRow): Schemas['ProductPromotion'] {
  return {
    id: row.id,
    scope: row.scope,
    storeId: row.store_id,
    placement: row.placement,
    productId: row.product_id,
    startsAt: iso(row.starts_at),
    endsAt: row.ends_at === null ? null : iso(row.ends_at),
    priority: row.priority,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
