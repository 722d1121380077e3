import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Who a slot belongs to: the marketplace (admins) or one store (its managers). */
export type SlotScope = 'platform' | 'store';

/** A paused slot is never live, whatever its schedule. */
export type SlotStatus = 'active' | 'paused';

/** Columns every slot has, banner or promoted product. */
interface SlotColumns {
  id: string;
  scope: SlotScope;
  /** Set exactly when `scope` is `store` (a check constraint says so); another service's id, no foreign key. */
  store_id: string | null;
  placement: string;
  starts_at: Timestamp;
  /** Exclusive; null runs until paused or deleted. */
  ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  priority: number;
  status: SlotStatus;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The promoted-item service's tables (schema `promoted-item`). */
export interface PromotedItemDatabase {
  banners: SlotColumns & {
    title: string;
    /** An image-proxy id; not checked against that service. */
    image_id: string;
    link_url: string;
  };
  promotions: SlotColumns & {
    /** An inventory product id; not checked against that service. */
    product_id: string;
  };
}
