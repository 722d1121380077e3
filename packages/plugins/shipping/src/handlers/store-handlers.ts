import { requireStore } from '@tokobapak/server';
import type { ShippingSettings } from '../options.js';
import type { Providers } from '../providers/index.js';
import { readSettings, writeSettings } from '../settings.js';
import { listStoreShipments, updateStatusByStore } from '../shipments.js';
import type { ShippingHandlers } from './types.js';

/** The caller's store's settings and shipments; the store always comes from the credential. */
export function storeHandlers(
  providers: Providers,
  settings: ShippingSettings,
): Pick<ShippingHandlers, 'getShippingSettings' | 'updateShippingSettings' | 'listStoreShipments' | 'updateShipmentStatus'> {
  return {
    async getShippingSettings(_request, ctx) {
      return readSettings(ctx.db, requireStore(ctx.caller).storeId);
    },

    async updateShippingSettings({ body }, ctx) {
      return writeSettings(ctx.db, requireStore(ctx.caller).storeId, body, ctx.clock.now(), settings.biteship !== null);
    },

    async listStoreShipments({ query }, ctx) {
      return listStoreShipments(ctx.db, requireStore(ctx.caller).storeId, query);
    },

    async updateShipmentStatus({ params, body }, ctx) {
      return updateStatusByStore(ctx, providers, requireStore(ctx.caller).storeId, params.shipmentId, body, ctx.clock.now());
    },
  };
}
