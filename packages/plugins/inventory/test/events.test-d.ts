import { type EventPayloads, eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type TxContext } from '@tokobapak/server';
import { expectTypeOf, test } from 'vitest';
import type { InventoryDatabase, InventoryEvents } from '../src/index.js';

// The real generated manifest of openapi/inventory.yaml: what the spec declares is what compiles.
const subscribe = eventSubscriber<InventoryDatabase, InventoryEvents>();
declare const tx: TxContext<InventoryDatabase, InventoryEvents>;

test('inventory publishes its own events with their payloads, and nothing else', () => {
  void tx.publish({ type: eventTypes.inventory.productArchived, subject: 'prd_1', data: { productId: 'prd_1', storeId: 'sto_1' } });
  // @ts-expect-error the sold-out payload carries the product's image ids
  void tx.publish({ type: eventTypes.inventory.productSoldOut, data: { productId: 'prd_1', storeId: 'sto_1' } });
  // @ts-expect-error merchant's event: only merchant publishes it
  void tx.publish({ type: eventTypes.merchant.storeSuspended, data: { storeId: 'sto_1' } });
});

test('inventory consumes the merchant events its spec lists, typed by merchant.yaml', () => {
  subscribe({
    name: 'typed',
    types: [eventTypes.merchant.storeSuspended],
    async handle(event) {
      expectTypeOf(event.data).toEqualTypeOf<EventPayloads['merchant.store-suspended']>();
    },
  });
  subscribe({
    name: 'not-consumed',
    // @ts-expect-error declared by merchant.yaml, but inventory.yaml does not consume it
    types: [eventTypes.merchant.storeCreated],
    async handle() {},
  });
  subscribe({
    name: 'renamed',
    // @ts-expect-error a type no spec declares
    types: ['merchant.store-paused'],
    async handle() {},
  });
});
