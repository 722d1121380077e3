import { requireUser } from '@tokobapak/server';
import { cancelOrder, idempotencyKeyOf } from '../cancellation.js';
import { getCheckout } from '../checkout-read.js';
import { readWhenFinished } from '../checkout-waits.js';
import { confirmReceived } from '../order-desk.js';
import { getOrder, listOrders } from '../order-reads.js';
import type { OrderHandlers } from './types.js';

/** A customer's own checkouts and orders: every query is scoped to the caller. */
export function customerHandlers(): Pick<OrderHandlers, 'getCheckout' | 'listMyOrders' | 'getMyOrder' | 'cancelMyOrder' | 'confirmMyOrderReceived'> {
  return {
    async getCheckout({ params, query }, ctx) {
      const customerId = requireUser(ctx.caller).userId;
      const read = () => getCheckout(ctx.db, customerId, params.checkoutId);
      if (!query.waitSeconds) return read();
      return readWhenFinished(customerId, params.checkoutId, query.waitSeconds, ctx.stopping, read);
    },

    async listMyOrders({ query }, ctx) {
      return listOrders(ctx.db, { customerId: requireUser(ctx.caller).userId }, query);
    },

    async getMyOrder({ params }, ctx) {
      return getOrder(ctx.db, { customerId: requireUser(ctx.caller).userId }, params.orderId);
    },

    async cancelMyOrder({ params, headers, body }, ctx) {
      const key = idempotencyKeyOf(headers);
      return cancelOrder(ctx, { customerId: requireUser(ctx.caller).userId }, params.orderId, { reason: body.reason ?? null, by: 'customer', key });
    },

    async confirmMyOrderReceived({ params, body }, ctx) {
      return confirmReceived(ctx, requireUser(ctx.caller).userId, params.orderId, body.note ?? null);
    },
  };
}
