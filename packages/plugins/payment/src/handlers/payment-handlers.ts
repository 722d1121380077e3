import { Reply, requireService } from '@tokobapak/server';
import { cancelPayment } from '../cancellation.js';
import { listPayments } from '../listing.js';
import { createPayment, paymentFor } from '../payments.js';
import type { Gateways } from '../providers/index.js';
import { acknowledgeRefundFailure } from '../refund-owed.js';
import { refundPayment } from '../refunds.js';
import { voidPayment } from '../voids.js';
import type { PaymentHandlers } from './types.js';

/** Creating, reading, listing, cancelling, voiding and refunding payments, and settling refused refunds. */
export function paymentHandlers(
  gateways: Gateways,
): Pick<PaymentHandlers, 'createPayment' | 'getPayment' | 'listPayments' | 'acknowledgeRefundFailure' | 'cancelPayment' | 'voidPayment' | 'refundPayment'> {
  return {
    async createPayment({ body }, ctx) {
      requireService(ctx.caller);
      return new Reply(201, await createPayment(ctx, gateways, body));
    },

    async getPayment({ params }, ctx) {
      return paymentFor(ctx, ctx.caller, params.paymentId);
    },

    // Admins only: the spec's `bearerAuth: [admin]` is checked before a handler runs.
    async listPayments({ query }, ctx) {
      return listPayments(ctx.db, query);
    },

    // Admins only, as listPayments: a person's session with the platform's admin role.
    async acknowledgeRefundFailure({ params, body }, ctx) {
      if (ctx.caller.kind !== 'user') throw new Error('acknowledgeRefundFailure reached without a session');
      return acknowledgeRefundFailure(ctx, params.paymentId, ctx.caller.userId, body.note);
    },

    async cancelPayment({ params, body }, ctx) {
      requireService(ctx.caller);
      return cancelPayment(ctx, gateways, params.paymentId, body?.reason);
    },

    async voidPayment({ body }, ctx) {
      requireService(ctx.caller);
      return voidPayment(ctx, gateways, body);
    },

    async refundPayment({ params, headers, body }, ctx) {
      requireService(ctx.caller);
      // The spec requires the key, so validation has refused a request without it.
      return new Reply(201, await refundPayment(ctx, gateways, params.paymentId, idempotencyKeyOf(headers), body));
    },
  };
}

/** The runtime hands header parameters over under their lower-case names. */
function idempotencyKeyOf(headers: object): string {
  const key = (headers as Record<string, string | undefined>)['idempotency-key'];
  if (key === undefined) throw new Error('refundPayment without an Idempotency-Key passed validation');
  return key;
}
