import type { Providers } from '../providers/index.js';
import { chosenQuote, quoteRates, quoteStores } from '../quotes.js';
import type { ShippingHandlers } from './types.js';

/** Quotes, and reading a chosen one back. */
export function rateHandlers(providers: Providers): Pick<ShippingHandlers, 'quoteShippingRates' | 'quoteShippingRatesForStores' | 'getShippingQuote'> {
  return {
    async quoteShippingRates({ body }, ctx) {
      return quoteRates(ctx.db, providers, body, ctx.clock.now());
    },

    async quoteShippingRatesForStores({ body }, ctx) {
      return quoteStores(ctx.db, providers, body, ctx.clock.now());
    },

    async getShippingQuote({ params }, ctx) {
      return chosenQuote(ctx.db, params.optionId, ctx.clock.now());
    },
  };
}
