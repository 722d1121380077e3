import { requireStore } from '@tokobapak/server';
import { acceptOrder, completeOrder } from '../order-desk.js';
import { getOrder, listOrders } from '../order-reads.js';
import type { OrderHandlers } from './types.js';

/** The store's order desk: every query and change is scoped to the store of the credential. */
export function deskHandlers(): Pick<OrderHandlers, 'listStoreOrders' | 'getStoreOrder' | 'acceptOrder' | 'completeOrder'> {
  return {
    async listStoreOrders({ query }, ctx) {
      return listOrders(ctx.db, { storeId: requireStore(ctx.caller).storeId }, query);
    },

    async getStoreOrder({ params }, ctx) {
      return getOrder(ctx.db, { storeId: requireStore(ctx.caller).storeId }, params.orderId);
    },

    async acceptOrder({ params, body }, ctx) {
      return acceptOrder(ctx, requireStore(ctx.caller).storeId, params.orderId, body.note ?? null);
    },

    async completeOrder({ params, body }, ctx) {
      return completeOrder(ctx, requireStore(ctx.caller).storeId, params.orderId, body.note ?? null);
    },
  };
}
