import { shippingErrors } from '../errors.js';
import { type Providers, providerNamed } from '../providers/index.js';
import { applyCarrierUpdate } from '../shipments.js';
import type { ShippingHandlers } from './types.js';

/** Status updates that carriers push. */
export function webhookHandlers(providers: Providers): Pick<ShippingHandlers, 'receiveShippingWebhook'> {
  return {
    async receiveShippingWebhook({ params, headers, body }, ctx) {
      const provider = providerNamed(providers, params.provider);
      if (!provider?.webhook) throw shippingErrors.SHIPPING_PROVIDER_NOT_FOUND();
      // Checked before the secret: the carrier's URL check comes without it, and changes nothing.
      if (provider.webhook.isInstallationCheck?.(body)) return { applied: false };
      if (!provider.webhook.authenticate(headers as Record<string, string | undefined>)) throw shippingErrors.SHIPPING_WEBHOOK_UNAUTHENTICATED();
      const update = provider.webhook.parse(body);
      if (!update) return { applied: false };
      return { applied: await applyCarrierUpdate(ctx, provider.name, update, 'carrier-webhook', ctx.clock.now()) };
    },
  };
}
