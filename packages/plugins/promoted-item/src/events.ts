import type { PromotedItemComponents } from '@tokobapak/sdk';
import type { SlotScope } from './database.js';

type Schemas = PromotedItemComponents['schemas'];

/** Events the promoted-item service publishes; it consumes none. */
export const PROMOTED_ITEM_EVENTS = {
  bannerCreated: 'promoted-item.banner-created',
  bannerUpdated: 'promoted-item.banner-updated',
  bannerDeleted: 'promoted-item.banner-deleted',
  promotionCreated: 'promoted-item.promotion-created',
  promotionUpdated: 'promoted-item.promotion-updated',
  promotionDeleted: 'promoted-item.promotion-deleted',
  /** A storefront showed a live slot. */
  impression: 'promoted-item.impression',
  /** A storefront visitor clicked a live slot. */
  click: 'promoted-item.click',
} as const;

/** Data of `promoted-item.banner-created` and `-updated`: the banner as the API shows it. */
export type BannerChangedData = Schemas['Banner'];

/** Data of `promoted-item.promotion-created` and `-updated`: the promotion as the API shows it. */
export type PromotionChangedData = Schemas['ProductPromotion'];

/** Data of `promoted-item.banner-deleted` and `promoted-item.promotion-deleted`. */
export interface SlotDeletedData {
  id: string;
  scope: SlotScope;
  storeId: string | null;
  placement: string;
}

/** Data of `promoted-item.impression` and `promoted-item.click`: facts about the slot, no personal data. */
export interface SlotInteractionData {
  kind: 'banner' | 'promotion';
  id: string;
  placement: string;
  scope: SlotScope;
  storeId: string | null;
  /** The promoted product, for promotions; null for banners. */
  productId: string | null;
  /** The storefront's anonymous visit id, when it sent one. */
  sessionId: string | null;
}
