import type { ShippingSettings } from '../options.js';
import { type Providers, providerNamed } from '../providers/index.js';
import { applyCarrierUpdate, createShipment, getShipment, readableShipment } from '../shipments.js';
import { isFinal } from '../status.js';
import type { ShippingHandlers } from './types.js';

/** Creating shipments (for the order service) and tracking them (customer, store, services). */
export function shipmentHandlers(providers: Providers, settings: ShippingSettings): Pick<ShippingHandlers, 'createShipment' | 'getShipment' | 'trackShipment'> {
  return {
    async createShipment({ body }, ctx) {
      return createShipment(ctx, providers, body, ctx.clock.now(), settings.shipmentQuoteMs);
    },

    async getShipment({ params }, ctx) {
      return getShipment(ctx.db, ctx.caller, params.shipmentId);
    },

    async trackShipment({ params }, ctx) {
      const shipment = await readableShipment(ctx.db, ctx.caller, params.shipmentId);
      const provider = providerNamed(providers, shipment.provider);
      if (provider?.track && shipment.carrier_reference !== null && !isFinal(shipment.status)) {
        // Each poll is a call to the carrier on the caller's behalf: bounded per shipment.
        await ctx.rateLimit(`shipping.track:${shipment.id}`, { max: 10, windowSeconds: 60 });
        const update = await provider.track({ carrierReference: shipment.carrier_reference, carrierData: shipment.carrier_data });
        await applyCarrierUpdate(ctx, provider.name, update, 'carrier-poll', ctx.clock.now());
      }
      return getShipment(ctx.db, ctx.caller, params.shipmentId);
    },
  };
}
