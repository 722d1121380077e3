import type { PromotedItemComponents } from '@tokobapak/sdk';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { PromotedItemDatabase } from './database.js';
import { toBanner, toPromotion } from './mappers.js';
import type { Owner } from './slots.js';

type Schemas = PromotedItemComponents['schemas'];
type Db = Kysely<PromotedItemDatabase>;

/** What `getHomepage` asks for. */
export interface HomepageQuery {
  placement?: string | undefined;
  /** At most this many banners, and this many promotions, per placement. */
  limit: number;
}

/**
 * The owner's slots live at `now`, grouped by placement (alphabetical). Within a placement: highest
 * priority first, then the most recently started, then the newest id, so the order is total and a
 * page never flickers between two equal slots.
 */
export async function liveSlots(db: Db, owner: Owner, query: HomepageQuery, now: Date): Promise<Schemas['Homepage']> {
  const [banners, promotions] = await Promise.all([liveRows(db, 'banners', owner, query, now), liveRows(db, 'promotions', owner, query, now)]);
  const placements = new Map<string, Schemas['PlacementSlots']>();
  const slotsOf = (placement: string): Schemas['PlacementSlots'] => {
    let slots = placements.get(placement);
    if (!slots) {
      slots = { placement, banners: [], promotions: [] };
      placements.set(placement, slots);
    }
    return slots;
  };
  for (const row of banners) slotsOf(row.placement).banners.push(toBanner(row));
  for (const row of promotions) slotsOf(row.placement).promotions.push(toPromotion(row));
  return {
    at: now.toISOString(),
    storeId: owner.storeId,
    placements: [...placements.values()].sort((a, b) => (a.placement < b.placement ? -1 : a.placement > b.placement ? 1 : 0)),
  };
}

// The per-placement limit is applied in SQL (a window rank), so a placement crowded with slots
// costs one page of rows, not all of them.
async function liveRows<T extends 'banners' | 'promotions'>(db: Db, table: T, owner: Owner, query: HomepageQuery, now: Date) {
  // biome-ignore lint/suspicious/noExplicitAny: both tables share every column this query names; Kysely cannot type a generic table name
  const slots = db as Kysely<any>;
  let live = slots
    .selectFrom(table)
    .selectAll()
    .select(sql<number>`row_number() over (partition by placement order by priority desc, starts_at desc, id desc)`.as('rank'))
    .where('scope', '=', owner.scope)
    .where('store_id', owner.storeId === null ? 'is' : '=', owner.storeId)
    .where('status', '=', 'active')
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]));
  if (query.placement !== undefined) live = live.where('placement', '=', query.placement);
  const rows = await slots.selectFrom(live.as('live')).selectAll().where('rank', '<=', query.limit).orderBy('placement').orderBy('rank').execute();
  return rows as Array<Selectable<PromotedItemDatabase[T]>>;
}
