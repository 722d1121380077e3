import { requireStore, requireUser } from '@tokobapak/server';
import { toStore, toStoreProfile } from '../mappers.js';
import { createStore, getPublicStore, getStore, listMyStores, updateStore } from '../stores.js';
import type { MerchantHandlers } from './types.js';

/** Opening stores, public profiles, the caller's stores and the current store. */
export function storeHandlers(): Pick<MerchantHandlers, 'createStore' | 'getStoreByHandle' | 'listMyStores' | 'getCurrentStore' | 'updateStore'> {
  return {
    async createStore({ body }, ctx) {
      return toStore(await createStore(ctx, requireUser(ctx.caller).userId, body));
    },

    async getStoreByHandle({ params }, ctx) {
      return toStoreProfile(await getPublicStore(ctx.db, params.handle));
    },

    async listMyStores({ query }, ctx) {
      return listMyStores(ctx.db, requireUser(ctx.caller).userId, query);
    },

    async getCurrentStore(_request, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return toStore(await getStore(ctx.db, storeId));
    },

    async updateStore({ body }, ctx) {
      const { storeId } = requireStore(ctx.caller);
      return toStore(await updateStore(ctx.db, storeId, body, ctx.clock.now()));
    },
  };
}
