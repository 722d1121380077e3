import { requireService, Reply } from '@tokobapak/server';
import { cancelPayment, createPayment, paymentFor } from '../payments.js';
import type { Gateways } from '../providers/index.js';
import { refundPayment } from '../refunds.js';
import type { PaymentHandlers } from './types.js';

/** Creating, reading, cancelling and refunding payments. */
export function paymentHandlers(gateways: Gateways): Pick<PaymentHandlers, 'createPayment' | 'getPayment' | 'cancelPayment' | 'refundPayment'> {
  return {
    async createPayment({ body }, ctx) {
      requireService(ctx.caller);
      return new Reply(201, await createPayment(ctx, gateways, body));
    },

    async getPayment({ params }, ctx) {
      return paymentFor(ctx, ctx.caller, params.paymentId);
    },

    async cancelPayment({ params, body }, ctx) {
      requireService(ctx.caller);
      return cancelPayment(ctx, gateways, params.paymentId, body?.reason);
    },

    async refundPayment({ params, headers, body }, ctx) {
      requireService(ctx.caller);
      return new Reply(201, await refundPayment(ctx, gateways, params.paymentId, headers['idempotency-key'], body));
    },
  };
}
