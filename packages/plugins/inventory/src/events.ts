import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type PublishableEvent } from '@tokobapak/server';
import type { InventoryDatabase } from './database.js';
import type { InventoryEvents } from './generated/manifest.js';

/** An event the inventory service publishes (its types and payloads come from `openapi/inventory.yaml`). */
export type InventoryEvent = PublishableEvent<InventoryEvents>;

const subscribe = eventSubscriber<InventoryDatabase, InventoryEvents>();

/**
 * `merchant.store-suspended` / `merchant.store-reinstated` → the store's products leave or rejoin the
 * public catalogue. An event older than the one applied last changes nothing, so late arrivals are harmless.
 */
export const trackStoreStatus = subscribe({
  name: 'track-store-status',
  types: [eventTypes.merchant.storeSuspended, eventTypes.merchant.storeReinstated],
  async handle(event, tx) {
    const changedAt = new Date(event.time);
    await tx.db
      .insertInto('store_status')
      .values({ store_id: event.data.storeId, suspended: event.type === eventTypes.merchant.storeSuspended, changed_at: changedAt })
      .onConflict((conflict) =>
        conflict
          .column('store_id')
          .doUpdateSet((eb) => ({ suspended: eb.ref('excluded.suspended'), changed_at: eb.ref('excluded.changed_at') }))
          .where('store_status.changed_at', '<=', changedAt),
      )
      .execute();
  },
});
