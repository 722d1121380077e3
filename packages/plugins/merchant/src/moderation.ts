import { eventTypes } from '@tokobapak/sdk';
import type { Transact } from './context.js';
import { merchantErrors } from './errors.js';
import type { StoreRow } from './mappers.js';

/**
 * Suspends a store and publishes `merchant.store-suspended` in the same transaction, so other
 * services hide its products exactly when it stops being public. On a suspended store it changes
 * nothing and publishes nothing.
 */
export async function suspendStore(transact: Transact, storeId: string, reason: string, now: Date): Promise<StoreRow> {
  return transact(async (tx) => {
    const row = await tx.db.selectFrom('stores').selectAll().where('id', '=', storeId).forUpdate().executeTakeFirst();
    if (!row) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
    if (row.status === 'suspended') return row;
    const suspended = await tx.db
      .updateTable('stores')
      .set({ status: 'suspended', suspended_at: now, suspension_reason: reason, updated_at: now })
      .where('id', '=', storeId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.publish({ type: eventTypes.merchant.storeSuspended, subject: storeId, data: { storeId } });
    return suspended;
  });
}

/** Lifts a suspension and publishes `merchant.store-reinstated`; on an active store it changes nothing. */
export async function reinstateStore(transact: Transact, storeId: string, now: Date): Promise<StoreRow> {
  return transact(async (tx) => {
    const row = await tx.db.selectFrom('stores').selectAll().where('id', '=', storeId).forUpdate().executeTakeFirst();
    if (!row) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
    if (row.status === 'active') return row;
    const active = await tx.db
      .updateTable('stores')
      .set({ status: 'active', suspended_at: null, suspension_reason: null, updated_at: now })
      .where('id', '=', storeId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.publish({ type: eventTypes.merchant.storeReinstated, subject: storeId, data: { storeId } });
    return active;
  });
}
