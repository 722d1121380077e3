import { requireStore } from '@tokobapak/server';
import { refundAmount } from '../amount-refunds.js';
import { cancelOrder, idempotencyKeyOf } from '../cancellation.js';
import { acceptOrder, completeOrder } from '../order-desk.js';
import { getOrder, listOrders } from '../order-reads.js';
import { shipOrder } from '../shipment.js';
import type { OrderHandlers } from './types.js';

/** The store's order desk: every query and change is scoped to the store of the credential. */
export function deskHandlers(): Pick<
  OrderHandlers,
  'listStoreOrders' | 'getStoreOrder' | 'acceptOrder' | 'shipOrder' | 'completeOrder' | 'cancelOrder' | 'refundOrder'
> {
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

    async shipOrder({ params, body }, ctx) {
      return shipOrder(ctx, requireStore(ctx.caller).storeId, params.orderId, body);
    },

    async cancelOrder({ params, headers, body }, ctx) {
      const key = idempotencyKeyOf(headers);
      return cancelOrder(ctx, { storeId: requireStore(ctx.caller).storeId }, params.orderId, {
        lines: body.lines,
        reason: body.reason ?? null,
        by: 'store',
        key,
      });
    },

    async refundOrder({ params, headers, body }, ctx) {
      return refundAmount(ctx, requireStore(ctx.caller).storeId, params.orderId, {
        lines: body.lines,
        shipping: body.shipping,
        reason: body.reason,
        key: idempotencyKeyOf(headers),
      });
    },

    async completeOrder({ params, body }, ctx) {
      return completeOrder(ctx, requireStore(ctx.caller).storeId, params.orderId, body.note ?? null);
    },
  };
}
