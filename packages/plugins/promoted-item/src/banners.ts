import { eventTypes, type PromotedItemComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, newId, type Page, toPage } from '@tokobapak/server';
import type { Kysely, Updateable } from 'kysely';
import type { PromotedItemDatabase, SlotStatus } from './database.js';
import { promotedItemErrors } from './errors.js';
import { type BannerRow, toBanner } from './mappers.js';
import { deleteOwnedSlot, lockOwnedSlot, newSchedule, type Owner, ownerColumns, patchedSchedule, type Transact } from './slots.js';

type Schemas = PromotedItemComponents['schemas'];
type Db = Kysely<PromotedItemDatabase>;

/** Filters and page of a banner listing. */
export interface SlotListQuery {
  placement?: string | undefined;
  status?: SlotStatus | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** One page of an owner's banners, newest first, whatever their schedule. */
export async function listBanners(db: Db, owner: Owner, query: SlotListQuery): Promise<Page<Schemas['Banner']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, /^ban_[0-9a-z]{26}$/);
  let select = db
    .selectFrom('banners')
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
  return toPage(rows, limit, (row) => row.id, toBanner);
}

/**
 * Creates a banner for the owner and publishes `promoted-item.banner-created`. `verify` (the image
 * check, which asks another service) runs once the input is known to be valid, before the transaction.
 */
export async function createBanner(
  transact: Transact,
  owner: Owner,
  input: Schemas['BannerInput'],
  now: Date,
  verify: () => Promise<void> = async () => {},
): Promise<BannerRow> {
  const schedule = newSchedule(input, now);
  await verify();
  return transact(async (tx) => {
    const row = await tx.db
      .insertInto('banners')
      .values({
        id: newId('ban', now.getTime()),
        ...ownerColumns(owner),
        placement: input.placement,
        title: input.title,
        image_id: input.imageId,
        link_url: input.linkUrl,
        starts_at: schedule.startsAt,
        ends_at: schedule.endsAt,
        priority: input.priority ?? 0,
        status: input.status ?? 'active',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.publish({ type: eventTypes.promotedItem.bannerCreated, subject: row.id, data: toBanner(row) });
    return row;
  });
}

/**
 * Changes the fields given and publishes `promoted-item.banner-updated`. Another owner's banner is
 * reported exactly like a missing one.
 */
export async function updateBanner(transact: Transact, owner: Owner, bannerId: string, patch: Schemas['BannerPatch'], now: Date): Promise<BannerRow> {
  return transact(async (tx) => {
    const current = await lockOwnedSlot(tx, owner, { table: 'banners', id: bannerId, notFound: promotedItemErrors.PROMOTED_ITEM_BANNER_NOT_FOUND });
    const schedule = patchedSchedule(current, patch);
    const changes: Updateable<PromotedItemDatabase['banners']> = { starts_at: schedule.startsAt, ends_at: schedule.endsAt, updated_at: now };
    if (patch.placement !== undefined) changes.placement = patch.placement;
    if (patch.title !== undefined) changes.title = patch.title;
    if (patch.imageId !== undefined) changes.image_id = patch.imageId;
    if (patch.linkUrl !== undefined) changes.link_url = patch.linkUrl;
    if (patch.priority !== undefined) changes.priority = patch.priority;
    if (patch.status !== undefined) changes.status = patch.status;
    const row = await tx.db.updateTable('banners').set(changes).where('id', '=', bannerId).returningAll().executeTakeFirstOrThrow();
    await tx.publish({ type: eventTypes.promotedItem.bannerUpdated, subject: row.id, data: toBanner(row) });
    return row;
  });
}

/** Deletes one of the owner's banners and publishes `promoted-item.banner-deleted`. */
export async function deleteBanner(transact: Transact, owner: Owner, bannerId: string): Promise<void> {
  await deleteOwnedSlot(transact, owner, {
    table: 'banners',
    id: bannerId,
    eventType: eventTypes.promotedItem.bannerDeleted,
    notFound: promotedItemErrors.PROMOTED_ITEM_BANNER_NOT_FOUND,
  });
}
