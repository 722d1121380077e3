import { paymentErrors } from '../errors.js';
import { mayRead, payerOf } from '../payments.js';
import type { Gateways } from '../providers/index.js';
import type { PaymentProvider } from '../providers/provider.js';
import { type Applied, applyGatewayStatus, mustRead, type PaymentContext } from '../transitions.js';
import type { PaymentHandlers } from './types.js';

/** Gateway notifications, and the sandbox customer who triggers them. */
export function webhookHandlers(gateways: Gateways): Pick<PaymentHandlers, 'receivePaymentWebhook' | 'simulatePayment'> {
  return {
    async receivePaymentWebhook({ params, headers, body }, ctx) {
      const { applied, paymentId, status } = await receiveNotification(ctx, gateways.byName(params.provider), headers ?? {}, body as Record<string, unknown>);
      return { received: true as const, applied, paymentId, status };
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
      // Received like a real gateway's notification, signature check included, by what the webhook
      // endpoint runs; called directly rather than through the endpoint, so that the payment as the
      // notification moved it is the answer, with no read after. If applying it fails,
      // reconciliation still picks the outcome up.
      try {
        const { payment } = await receiveNotification(ctx, sandbox, webhook.headers, webhook.body);
        if (payment) return payment;
      } catch (error) {
        ctx.log.warn({ err: error, paymentId: params.paymentId }, 'sandbox webhook delivery failed');
      }
      // Not moved by this notification (something else settled the payment first): as it now is.
      return mustRead(ctx, params.paymentId);
    },
  };
}

/** Checks a gateway's notification (its signature, its age) and applies the status it reports. */
async function receiveNotification(
  ctx: PaymentContext,
  provider: PaymentProvider,
  headers: Record<string, unknown>,
  body: Record<string, unknown>,
): Promise<Applied> {
  const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value as string | undefined]));
  const notification = await provider.verifyWebhook(ctx, { headers: lowered, body });
  return applyGatewayStatus(ctx, { ...notification, provider: provider.name }, 'webhook');
}
