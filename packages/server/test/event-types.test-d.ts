import type { EventPayloads } from '@tokobapak/sdk';
import { eventTypes } from '@tokobapak/sdk';
import { expectTypeOf, test } from 'vitest';
import { definePlugin, defineProcess, type EventEnvelope, eventSubscriber, type OpenApiDocument, type PluginManifest, type TxContext } from '../src/index.js';

// What `pnpm generate` writes into a plugin's `src/generated/manifest.ts`, for a service that
// publishes store events and consumes user deletions.
interface ShopEvents {
  publishes: Pick<EventPayloads, 'merchant.store-suspended' | 'merchant.staff-removed'>;
  consumes: Pick<EventPayloads, 'user.deleted' | 'inventory.product-sold-out'>;
}
const manifest: PluginManifest<ShopEvents> = {
  service: 'merchant',
  publishes: ['merchant.store-suspended', 'merchant.staff-removed'],
  consumes: ['user.deleted', 'inventory.product-sold-out'],
  consumedSchemas: {},
};
interface ShopDatabase {
  shops: { id: string };
}
const subscribe = eventSubscriber<ShopDatabase, ShopEvents>();
declare const tx: TxContext<ShopDatabase, ShopEvents>;

test('tx.publish takes the plugin’s own declared types, each with its payload type', () => {
  void tx.publish({ type: eventTypes.merchant.storeSuspended, subject: 'sto_1', data: { storeId: 'sto_1' } });
  void tx.publish({ type: 'merchant.staff-removed', data: { storeId: 'sto_1', userId: 'usr_1' } });
  void tx.publishMany([
    { type: 'merchant.store-suspended', data: { storeId: 'sto_1' } },
    { type: 'merchant.staff-removed', data: { storeId: 'sto_1', userId: 'usr_1' } },
  ]);
  // @ts-expect-error a type the spec does not declare for this service
  void tx.publish({ type: 'merchant.store-closed', data: { storeId: 'sto_1' } });
  // @ts-expect-error another service's event that this one does not publish
  void tx.publish({ type: 'user.deleted', data: { userId: 'usr_1' } });
  // @ts-expect-error the payload of staff-removed needs a userId
  void tx.publish({ type: 'merchant.staff-removed', data: { storeId: 'sto_1' } });
});

test('a process step publishes like tx.publish: the plugin’s own types, each with its payload type', () => {
  defineProcess<ShopDatabase, { storeId: string }, undefined, ShopEvents>({
    name: 'suspend',
    steps: [
      {
        id: 'publish',
        async action(ctx) {
          await ctx.transaction(async (stepTx) => {
            expectTypeOf(stepTx).toEqualTypeOf<TxContext<ShopDatabase, ShopEvents>>();
            await stepTx.publish({ type: eventTypes.merchant.storeSuspended, data: { storeId: ctx.input.storeId } });
            // @ts-expect-error a type the spec does not declare for this service
            await stepTx.publish({ type: 'merchant.store-closed', data: { storeId: ctx.input.storeId } });
            // @ts-expect-error the payload of staff-removed needs a userId
            await stepTx.publish({ type: 'merchant.staff-removed', data: { storeId: ctx.input.storeId } });
          });
        },
      },
    ],
  });
});

test('a handler receives the typed payload of the types its subscription names', () => {
  subscribe({
    name: 'erase',
    types: [eventTypes.user.deleted],
    async handle(event, handlerTx) {
      expectTypeOf(event.type).toEqualTypeOf<'user.deleted'>();
      expectTypeOf(event.data).toEqualTypeOf<EventPayloads['user.deleted']>();
      expectTypeOf(event.data.userId).toEqualTypeOf<string>();
      expectTypeOf(handlerTx).toEqualTypeOf<TxContext<ShopDatabase, ShopEvents>>();
    },
  });
  subscribe({
    name: 'both',
    types: ['user.deleted', 'inventory.product-sold-out'],
    async handle(event) {
      // Narrowing by type narrows the payload.
      if (event.type === 'inventory.product-sold-out') expectTypeOf(event.data.imageIds).toEqualTypeOf<string[]>();
      else expectTypeOf(event.data).toEqualTypeOf<{ userId: string }>();
    },
  });
});

test('a consumer naming a type its spec does not consume does not compile', () => {
  subscribe({
    name: 'typo',
    // @ts-expect-error a renamed or misspelt type is a compile error, not silence
    types: ['user.delete'],
    async handle() {},
  });
  subscribe({
    name: 'undeclared',
    // @ts-expect-error declared by a spec, but not under this service's `x-events.consumes`
    types: [eventTypes.merchant.storeReinstated],
    async handle() {},
  });
});

test('definePlugin is parameterised by the manifest: its subscriptions and handlers use the typed events', () => {
  definePlugin<Record<string, never>, ShopDatabase, ShopEvents>({
    name: 'merchant',
    summary: 'Shops',
    spec: {} as OpenApiDocument,
    manifest,
    migrations: {},
    handlers: {},
    subscriptions: [subscribe({ name: 'erase', types: ['user.deleted'], async handle() {} })],
    async onStart(ctx) {
      await ctx.transaction(async (started) => {
        // @ts-expect-error onStart's transactions publish declared types only
        await started.publish({ type: 'merchant.anything', data: {} });
      });
    },
  });
});

test('a plugin without a manifest (JavaScript, tests) publishes and consumes anything', () => {
  definePlugin<Record<string, never>, unknown>({
    name: 'loose',
    summary: 'Untyped',
    spec: {} as OpenApiDocument,
    migrations: {},
    handlers: {},
    subscriptions: [
      {
        name: 'anything',
        types: ['whatever.happened'],
        async handle(event, looseTx) {
          expectTypeOf(event).toExtend<EventEnvelope>();
          await looseTx.publish({ type: 'loose.noticed', data: event.data });
        },
      },
    ],
  });
});
