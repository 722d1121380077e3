import { shippingErrors } from '../errors.js';
import { type Providers, providerNamed } from '../providers/index.js';
import type { CarrierUpdate, ShippingProvider } from '../providers/types.js';
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
      const pushed = provider.webhook.parse(body);
      if (!pushed) return { applied: false };
      const confirmed = await readBack(ctx, provider, pushed);
      if (!confirmed) return { applied: false };
      return { applied: await applyCarrierUpdate(ctx, provider.name, confirmed, 'carrier-webhook', ctx.clock.now()) };
    },
  };
}

type WebhookContext = Parameters<ShippingHandlers['receiveShippingWebhook']>[1];

/**
 * What the carrier says about the pushed booking when asked: a webhook is taken as a prompt to
 * read the booking back, never as the status itself. Its only proof of origin is a shared secret
 * in a header (Biteship signs nothing), and a pushed `delivered` moves money downstream (the order
 * completes, the store is credited), so a status is applied only as the carrier's own API reports
 * it. A booking we do not have is answered without asking the carrier (a forged payload cannot
 * make us call out). A carrier that does not answer fails the delivery with 503
 * `SHIPPING_CARRIER_UNAVAILABLE`, which the carrier retries, and polling catches up meanwhile.
 */
async function readBack(ctx: WebhookContext, provider: ShippingProvider, pushed: CarrierUpdate): Promise<CarrierUpdate | null> {
  if (!provider.track) return pushed;
  const shipment = await ctx.db
    .selectFrom('shipments')
    .select(['carrier_reference', 'carrier_data'])
    .where('provider', '=', provider.name)
    .where('carrier_reference', '=', pushed.carrierReference)
    .executeTakeFirst();
  if (!shipment?.carrier_reference) return null;
  return provider.track({ carrierReference: shipment.carrier_reference, carrierData: shipment.carrier_data });
}
