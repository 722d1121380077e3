import type { PluginContext } from '@tokobapak/server';
import type { ShippingDatabase } from './database.js';
import type { ShippingEvents } from './generated/manifest.js';
import type { Providers } from './providers/index.js';
import { providerNamed } from './providers/index.js';
import { applyCarrierUpdate } from './shipments.js';
import { OPEN_STATUSES } from './status.js';

/**
 * One polling pass: asks the carriers about the open shipments polled longest ago (never polled
 * first) and applies what they say like a webhook. A carrier that fails for one shipment does not
 * stop the pass; that shipment waits for the next one.
 */
export async function pollOpenShipments(
  ctx: Pick<PluginContext<ShippingDatabase, ShippingEvents>, 'db' | 'transaction' | 'log'>,
  providers: Providers,
  batchSize: number,
  now: Date,
): Promise<{ polled: number; changed: number }> {
  const open = await ctx.db
    .selectFrom('shipments')
    .select(['id', 'provider', 'carrier_reference', 'carrier_data'])
    .where('carrier_reference', 'is not', null)
    .where('status', 'in', OPEN_STATUSES)
    .orderBy('last_polled_at', (order) => order.asc().nullsFirst())
    .orderBy('id')
    .limit(batchSize)
    .execute();
  let changed = 0;
  for (const shipment of open) {
    const provider = providerNamed(providers, shipment.provider);
    if (provider?.track && shipment.carrier_reference !== null) {
      try {
        const update = await provider.track({ carrierReference: shipment.carrier_reference, carrierData: shipment.carrier_data });
        if (await applyCarrierUpdate(ctx, provider.name, update, 'carrier-poll', now)) changed += 1;
      } catch (error) {
        ctx.log.warn({ err: error, shipmentId: shipment.id }, 'shipping: polling the carrier failed');
      }
    }
    await ctx.db.updateTable('shipments').set({ last_polled_at: now }).where('id', '=', shipment.id).execute();
  }
  return { polled: open.length, changed };
}
