import { paymentErrors } from '../errors.js';
import { mayRead, payerOf } from '../payments.js';
import type { Gateways } from '../providers/index.js';
import { applyGatewayStatus, mustRead } from '../transitions.js';
import type { PaymentHandlers } from './types.js';

/** Gateway notifications, and the sandbox customer who triggers them. */
export function webhookHandlers(gateways: Gateways): Pick<PaymentHandlers, 'receivePaymentWebhook' | 'simulatePayment'> {
  return {
    async receivePaymentWebhook({ params, headers, body }, ctx) {
      const provider = gateways.byName(params.provider);
      const lowered = Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value as string | undefined]));
      const notification = await provider.verifyWebhook(ctx, { headers: lowered, body: body as Record<string, unknown> });
      const applied = await applyGatewayStatus(ctx, { ...notification, provider: provider.name }, 'webhook');
      return { received: true as const, ...applied };
    },

    async simulatePayment({ params, body }, ctx) {
      const sandbox = gateways.sandbox;
      if (!sandbox) throw paymentErrors.PAYMENT_SANDBOX_DISABLED();
      const payer = payerOf(ctx.caller);
      if (!payer) throw paymentErrors.PAYMENT_NOT_FOUND();
      const webhook = await sandbox.simulate(ctx, params.paymentId, body.outcome ?? 'paid', payer);
      if (!webhook) {
        // Nothing moved: say why, in the order the checks read (whose payment, which gateway, which status).
        const payment = await ctx.db.selectFrom('payments').select(['customer_id', 'provider']).where('id', '=', params.paymentId).executeTakeFirst();
        if (!payment || !mayRead(ctx.caller, payment.customer_id)) throw paymentErrors.PAYMENT_NOT_FOUND();
        if (payment.provider !== sandbox.name) throw paymentErrors.PAYMENT_NOT_SANDBOX(`The payment goes through ${payment.provider}`);
        return sandbox.refuse(ctx, params.paymentId);
      }
      // Delivered like a real gateway's notification: over HTTP to this store's webhook endpoint,
      // through the signature check. If delivery fails, reconciliation still picks the outcome up.
      try {
        await ctx.clients.payment.receivePaymentWebhook({ params: { provider: 'sandbox' }, headers: webhook.headers, body: webhook.body });
      } catch (error) {
        ctx.log.warn({ err: error, paymentId: params.paymentId }, 'sandbox webhook delivery failed');
      }
      return mustRead(ctx, params.paymentId);
    },
  };
}
