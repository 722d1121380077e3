import type { eventTypes } from '@tokobapak/sdk';
import { type Caller, type HandlerContext, type ProblemError, platformErrors, requireStore, type TxContext } from '@tokobapak/server';
import type { Kysely, Selectable } from 'kysely';
import type { PromotedItemDatabase, SlotScope, SlotStatus } from './database.js';
import { promotedItemErrors } from './errors.js';
import type { PromotedItemEvents } from './generated/manifest.js';

// What banners and promoted products share: who owns a slot, when it is live, and how its schedule is checked.

/** Who a slot belongs to; every query of a management operation filters by it. */
export type Owner = { scope: 'platform'; storeId: null } | { scope: 'store'; storeId: string };

/** The marketplace's own slots. */
export const PLATFORM: Owner = { scope: 'platform', storeId: null };

/** One store's slots. */
export function storeOwner(storeId: string): Owner {
  return { scope: 'store', storeId };
}

/**
 * The owner a platform operation acts for. The spec already admits admins only; this repeats the
 * check so that a handler wired to the wrong security rule fails closed.
 */
export function platformOwner(caller: Caller): Owner {
  if (caller.kind !== 'user' || caller.role !== 'admin') throw platformErrors.FORBIDDEN('Platform slots are managed by admins');
  return PLATFORM;
}

/** The owner a merchant operation acts for: the store of the credential, never one named in the request. */
export function callerStoreOwner(caller: Caller): Owner {
  return storeOwner(requireStore(caller).storeId);
}

/** Runs a function in one transaction with an outbox publisher (`ctx.transaction`). */
export type Transact = HandlerContext<PromotedItemDatabase, PromotedItemEvents>['transaction'];

/** When a slot is live: from `startsAt` (inclusive) until `endsAt` (exclusive), or for good when `endsAt` is null. */
export interface Schedule {
  startsAt: Date;
  endsAt: Date | null;
}

/** Refuses a schedule that ends at or before its start. */
export function checkSchedule(schedule: Schedule): Schedule {
  if (schedule.endsAt !== null && schedule.endsAt.getTime() <= schedule.startsAt.getTime()) {
    throw promotedItemErrors.PROMOTED_ITEM_INVALID_SCHEDULE(
      `endsAt (${schedule.endsAt.toISOString()}) must be after startsAt (${schedule.startsAt.toISOString()})`,
    );
  }
  return schedule;
}

/** The schedule of a new slot: `startsAt` defaults to now, `endsAt` to none. */
export function newSchedule(input: { startsAt?: string | undefined; endsAt?: string | null | undefined }, now: Date): Schedule {
  return checkSchedule({ startsAt: input.startsAt ? new Date(input.startsAt) : now, endsAt: input.endsAt ? new Date(input.endsAt) : null });
}

/** The schedule a slot will have after a patch, checked as a whole. */
export function patchedSchedule(
  current: { starts_at: Date | string; ends_at: Date | string | null },
  patch: { startsAt?: string; endsAt?: string | null },
): Schedule {
  const startsAt = patch.startsAt !== undefined ? new Date(patch.startsAt) : new Date(current.starts_at);
  const endsAt =
    patch.endsAt !== undefined ? (patch.endsAt === null ? null : new Date(patch.endsAt)) : current.ends_at === null ? null : new Date(current.ends_at);
  return checkSchedule({ startsAt, endsAt });
}

/** Whether a slot shows at `now`: active, started, and not yet ended. */
export function isLive(slot: { status: SlotStatus; starts_at: Date | string; ends_at: Date | string | null }, now: Date): boolean {
  if (slot.status !== 'active') return false;
  const time = now.getTime();
  if (new Date(slot.starts_at).getTime() > time) return false;
  return slot.ends_at === null || new Date(slot.ends_at).getTime() > time;
}

/** The scope column values of an owner. */
export function ownerColumns(owner: Owner): { scope: SlotScope; store_id: string | null } {
  return { scope: owner.scope, store_id: owner.storeId };
}

/**
 * Locks one of the owner's slots for an update, in the caller's transaction. Another owner's slot
 * is reported exactly like a missing one.
 */
export async function lockOwnedSlot<T extends 'banners' | 'promotions'>(
  tx: TxContext<PromotedItemDatabase, PromotedItemEvents>,
  owner: Owner,
  slot: { table: T; id: string; notFound: () => ProblemError },
): Promise<Selectable<PromotedItemDatabase[T]>> {
  // The two tables share these columns; Kysely cannot see that through the generic table name.
  const db = tx.db as unknown as Kysely<Pick<PromotedItemDatabase, 'banners'>>;
  const current = await db
    .selectFrom(slot.table as 'banners')
    .selectAll()
    .where('id', '=', slot.id)
    .where('scope', '=', owner.scope)
    .where('store_id', owner.storeId === null ? 'is' : '=', owner.storeId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw slot.notFound();
  return current as unknown as Selectable<PromotedItemDatabase[T]>;
}

/** The deleted event of a banner or a promotion. */
type SlotDeletedType = typeof eventTypes.promotedItem.bannerDeleted | typeof eventTypes.promotedItem.promotionDeleted;

/**
 * Deletes one of the owner's slots (a banner or a promoted product) and publishes its deleted event.
 * Another owner's slot is reported exactly like a missing one.
 */
export async function deleteOwnedSlot(
  transact: Transact,
  owner: Owner,
  slot: { table: 'banners' | 'promotions'; id: string; eventType: SlotDeletedType; notFound: () => ProblemError },
): Promise<void> {
  await transact(async (tx) => {
    const removed = await tx.db
      .deleteFrom(slot.table)
      .where('id', '=', slot.id)
      .where('scope', '=', owner.scope)
      .where('store_id', owner.storeId === null ? 'is' : '=', owner.storeId)
      .returning(['id', 'scope', 'store_id', 'placement'])
      .executeTakeFirst();
    if (!removed) throw slot.notFound();
    await tx.publish({
      type: slot.eventType,
      subject: removed.id,
      data: { id: removed.id, scope: removed.scope, storeId: removed.store_id, placement: removed.placement },
    });
  });
}
