import { requireStore } from '@tokobapak/server';
import type { CartSettings } from '../options.js';
import { getPlatformTax, getStoreTax, setPlatformTax, setStoreTax } from '../tax-settings.js';
import type { CartHandlers } from './types.js';

/** The platform's tax (admins) and each store's tax-inclusive choice (its managers). */
export function taxHandlers(settings: CartSettings): Pick<CartHandlers, 'getPlatformTax' | 'setPlatformTax' | 'getStoreTaxSettings' | 'setStoreTaxSettings'> {
  return {
    async getPlatformTax(_request, ctx) {
      return getPlatformTax(ctx.db, settings.tax);
    },

    async setPlatformTax({ body }, ctx) {
      return setPlatformTax(ctx.db, body, ctx.clock.now());
    },

    async getStoreTaxSettings(_request, ctx) {
      return getStoreTax(ctx.db, requireStore(ctx.caller).storeId);
    },

    async setStoreTaxSettings({ body }, ctx) {
      return setStoreTax(ctx.db, requireStore(ctx.caller).storeId, body.pricesIncludeTax, ctx.clock.now());
    },
  };
}
