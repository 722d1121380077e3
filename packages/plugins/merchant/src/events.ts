import type { Subscription, TxContext } from '@tokobapak/server';
import type { MerchantDatabase } from './database.js';

/** Events the merchant service publishes; the subject of each is the store id. */
export const MERCHANT_EVENTS = {
  /** A store exists, owned by the user who opened it. */
  storeCreated: 'merchant.store-created',
  /** An admin suspended a store (or its owner's account was deleted): hide its products. */
  storeSuspended: 'merchant.store-suspended',
  /** An admin lifted a suspension: show the store's products again. */
  storeReinstated: 'merchant.store-reinstated',
  /** Someone joined a store by accepting an invitation. */
  staffAdded: 'merchant.staff-added',
  /** Someone no longer works in a store (removed by the owner, or their account was deleted). */
  staffRemoved: 'merchant.staff-removed',
  /** A store changed hands: the new owner was already a member; the former owner is now a manager. */
  ownershipTransferred: 'merchant.ownership-transferred',
} as const;

/** The user service's event this service consumes. */
export const USER_DELETED = 'user.deleted';

/** Published once this service has erased a deleted user's data; the user service records it. */
export const DELETION_ACKNOWLEDGED = 'user.deletion-acknowledged';

/** This service's name in deletion acknowledgements. */
export const SERVICE_NAME = 'merchant';

/** Data of `merchant.store-created`. */
export interface StoreCreatedData {
  storeId: string;
  handle: string;
  ownerUserId: string;
}

/** Data of `merchant.store-suspended` and `merchant.store-reinstated`. */
export interface StoreStatusChangedData {
  storeId: string;
}

/** Data of `merchant.staff-added` and `merchant.staff-removed`. */
export interface StaffChangedData {
  storeId: string;
  userId: string;
}

/** Data of `merchant.ownership-transferred`. */
export interface OwnershipTransferredData {
  storeId: string;
  /** Now a `manager`; null when the store had no owner (their account was deleted). */
  previousOwnerUserId: string | null;
  newOwnerUserId: string;
  /** Who did it: the former owner, or an admin (support). */
  transferredByUserId: string;
  transferredBy: 'owner' | 'admin';
  /** The admin's reason; null when the owner handed the store on. */
  reason: string | null;
}

/**
 * `user.deleted` → the user leaves every store they worked in; a store they owned is suspended,
 * since nobody is left to run it. Then this service acknowledges the deletion.
 */
export const eraseDeletedUsers: Subscription<MerchantDatabase> = {
  name: 'erase-deleted-users',
  types: [USER_DELETED],
  async handle(event, tx) {
    const data = event.data as { userId?: unknown } | null;
    if (typeof data?.userId !== 'string') {
      // Thrown rather than skipped: after its retries the event lands in the dead letters, where an operator sees it.
      throw new Error(`${event.type} ${event.id} from ${event.source} has no userId`);
    }
    await eraseDeletedUser(tx, data.userId, new Date(event.time));
  },
};

/** Suspension reason of a store whose owner deleted their account. */
export const OWNER_DELETED_REASON = 'The owner deleted their account';

/**
 * Erases a deleted user: their memberships go (each publishing `merchant.staff-removed`), stores
 * they owned are suspended, and the invitations they accepted (which hold their email) are deleted.
 * Runs inside the consumer's transaction; a redelivery finds nothing left and only acknowledges again.
 */
export async function eraseDeletedUser(tx: TxContext<MerchantDatabase>, userId: string, now: Date): Promise<void> {
  const removed = await tx.db.deleteFrom('memberships').where('user_id', '=', userId).returning(['store_id', 'role']).execute();
  for (const membership of removed) {
    if (membership.role === 'owner') {
      const suspended = await tx.db
        .updateTable('stores')
        .set({ status: 'suspended', suspended_at: now, suspension_reason: OWNER_DELETED_REASON, updated_at: now })
        .where('id', '=', membership.store_id)
        .where('status', '=', 'active')
        .returning('id')
        .executeTakeFirst();
      if (suspended) {
        await tx.publish<StoreStatusChangedData>({
          type: MERCHANT_EVENTS.storeSuspended,
          subject: membership.store_id,
          data: { storeId: membership.store_id },
        });
      }
    }
    await tx.publish<StaffChangedData>({ type: MERCHANT_EVENTS.staffRemoved, subject: membership.store_id, data: { storeId: membership.store_id, userId } });
  }
  await tx.db.deleteFrom('invitations').where('accepted_by_user_id', '=', userId).execute();
  await tx.publish({ type: DELETION_ACKNOWLEDGED, subject: userId, data: { userId, service: SERVICE_NAME } });
}
