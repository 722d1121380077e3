import type { PromotionComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { PromotionDatabase } from './database.js';

type Schemas = PromotionComponents['schemas'];

/** A row of `promotions`. */
export type PromotionRow = Selectable<PromotionDatabase['promotions']>;

/** A stored timestamp as the API shows it. */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

/** A bigint column (PGlite gives a bigint, pg a number through the runtime's parser) as a number. */
export function money(value: number | bigint | string): number {
  return Number(value);
}

/** The `Promotion` schema. */
export function toPromotion(row: PromotionRow): Schemas['Promotion'] {
  return {
    id: row.id,
    scope: row.scope,
    storeId: row.store_id,
    fundedBy: row.scope,
    name: row.name,
    code: row.code,
    type: row.type,
    currency: row.currency,
    percentage: row.percentage,
    amount: row.amount === null ? null : money(row.amount),
    buyQuantity: row.buy_quantity,
    getQuantity: row.get_quantity,
    conditions: {
      minSubtotal: row.min_subtotal === null ? null : money(row.min_subtotal),
      storeIds: row.conditions.storeIds,
      productIds: row.conditions.productIds,
      categories: row.conditions.categories,
      firstOrderOnly: row.first_order_only,
    },
    stacking: row.stacking,
    priority: row.priority,
    startsAt: iso(row.starts_at),
    endsAt: row.ends_at === null ? null : iso(row.ends_at),
    usageLimit: row.usage_limit,
    perCustomerLimit: row.per_customer_limit,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
