import { eventTypes, type PromotedItemComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, newId, type Page, toPage } from '@tokobapak/server';
import type { Kysely, Updateable } from 'kysely';
import type { SlotListQuery } from './banners.js';
import type { PromotedItemDatabase } from './database.js';
import { promotedItemErrors } from './errors.js';
import { type PromotionRow, toPromotion } from './mappers.js';
import { deleteOwnedSlot, lockOwnedSlot, newSchedule, type Owner, ownerColumns, patchedSchedule, type Transact } from './slots.js';

type Schemas = PromotedItemComponents['schemas'];
type Db = Kysely<PromotedItemDatabase>;

/** One page of an owner's promoted products, newest first, whatever their schedule. */
export async function listPromotions(db: Db, owner: Owner, query: SlotListQuery): Promise<Page<Schemas['ProductPromotion']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, /^pro_[0-9a-z]{26}$/);
  let select = db
    .selectFrom('promotions')
    .selectAll()
    .where('scope', '=', owner.scope)
    .where('store_id', owner.storeId === null ? 'is' : '=', owner.storeId);
  if (query.placement !== undefined) select = select.where('placement', '=', query.placement);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (after !== undefined) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => row.id, toPromotion);
}

/**
 * Promotes a product for the owner and publishes `promoted-item.promotion-created`. `verify` (the
 * product check, which asks another service) runs once the input is known to be valid, before the transaction.
 */
export async function createPromotion(
  transact: Transact,
  owner: Owner,
  input: Schemas['ProductPromotionInput'],
  now: Date,
  verify: () => Promise<void> = async () => {},
): Promise<PromotionRow> {
  const schedule = newSchedule(input, now);
  await verify();
  return transact(async (tx) => {
    const row = await tx.db
      .insertInto('promotions')
      .values({
        id: newId('pro', now.getTime()),
        ...ownerColumns(owner),
        placement: input.placement,
        product_id: input.productId,
        starts_at: schedule.startsAt,
        ends_at: schedule.endsAt,
        priority: input.priority ?? 0,
        status: input.status ?? 'active',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.publish({ type: eventTypes.promotedItem.promotionCreated, subject: row.id, data: toPromotion(row) });
    return row;
  });
}

/**
 * Changes the fields given and publishes `promoted-item.promotion-updated`. Another owner's
 * promotion is reported exactly like a missing one.
 */
export async function updatePromotion(
  transact: Transact,
  owner: Owner,
  promotionId: string,
  patch: Schemas['ProductPromotionPatch'],
  now: Date,
): Promise<PromotionRow> {
  return transact(async (tx) => {
    const current = await lockOwnedSlot(tx, owner, { table: 'promotions', id: promotionId, notFound: promotedItemErrors.PROMOTED_ITEM_PROMOTION_NOT_FOUND });
    const schedule = patchedSchedule(current, patch);
    const changes: Updateable<PromotedItemDatabase['promotions']> = { starts_at: schedule.startsAt, ends_at: schedule.endsAt, updated_at: now };
    if (patch.placement !== undefined) changes.placement = patch.placement;
    if (patch.productId !== undefined) changes.product_id = patch.productId;
    if (patch.priority !== undefined) changes.priority = patch.priority;
    if (patch.status !== undefined) changes.status = patch.status;
    const row = await tx.db.updateTable('promotions').set(changes).where('id', '=', promotionId).returningAll().executeTakeFirstOrThrow();
    await tx.publish({ type: eventTypes.promotedItem.promotionUpdated, subject: row.id, data: toPromotion(row) });
    return row;
  });
}

/** Deletes one of the owner's promotions and publishes `promoted-item.promotion-deleted`. */
export async function deletePromotion(transact: Transact, owner: Owner, promotionId: string): Promise<void> {
  await deleteOwnedSlot(transact, owner, {
    table: 'promotions',
    id: promotionId,
    eventType: eventTypes.promotedItem.promotionDeleted,
    notFound: promotedItemErrors.PROMOTED_ITEM_PROMOTION_NOT_FOUND,
  });
}
