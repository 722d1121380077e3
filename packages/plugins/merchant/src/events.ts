import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type TxContext } from '@tokobapak/server';
import type { MerchantDatabase } from './database.js';
import type { MerchantEvents } from './generated/manifest.js';

/** This service's name in deletion acknowledgements. */
export const SERVICE_NAME = 'merchant';

const subscribe = eventSubscriber<MerchantDatabase, MerchantEvents>();

/**
 * `user.deleted` → the user leaves every store they worked in; a store they owned is suspended,
 * since nobody is left to run it. Then this service acknowledges the deletion.
 */
export const eraseDeletedUsers = subscribe({
  name: 'erase-deleted-users',
  types: [eventTypes.user.deleted],
  async handle(event, tx) {
    await eraseDeletedUser(tx, event.data.userId, new Date(event.time));
  },
});

/** Suspension reason of a store whose owner deleted their account. */
export const OWNER_DELETED_REASON = 'The owner deleted their account';

/**
 * Erases a deleted user: their memberships go (each publishing `merchant.staff-removed`), stores
 * they owned are suspended, and the invitations they accepted (which hold their email) are deleted.
 * Runs inside the consumer's transaction; a redelivery finds nothing left and only acknowledges again.
 */
export async function eraseDeletedUser(tx: TxContext<MerchantDatabase, MerchantEvents>, userId: string, now: Date): Promise<void> {
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
        await tx.publish({
          type: eventTypes.merchant.storeSuspended,
          subject: membership.store_id,
          data: { storeId: membership.store_id },
        });
      }
    }
    await tx.publish({ type: eventTypes.merchant.staffRemoved, subject: membership.store_id, data: { storeId: membership.store_id, userId } });
  }
  await tx.db.deleteFrom('invitations').where('accepted_by_user_id', '=', userId).execute();
  await tx.publish({ type: eventTypes.user.deletionAcknowledged, subject: userId, data: { userId, service: SERVICE_NAME } });
}
