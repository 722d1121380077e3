import { shopperOf } from '../access.js';
import type { CartSettings } from '../options.js';
import { selectShipping, selectShippingOptions } from '../shipping-choice.js';
import { quoteCartShipping } from '../shipping-quotes.js';
import type { CartHandlers } from './types.js';

/** Quoting the cart's shipping, and choosing an option per store, priced by the shipping service. */
export function shippingHandlers(settings: CartSettings): Pick<CartHandlers, 'selectCartShipping' | 'selectCartShippingOptions' | 'quoteCartShipping'> {
  return {
    async selectCartShipping({ params, headers, body }, ctx) {
      return selectShipping({ ctx, settings }, params.cartId, params.storeId, shopperOf(ctx.caller, headers), body.optionId);
    },

    async selectCartShippingOptions({ params, headers, body }, ctx) {
      return selectShippingOptions(
        { ctx, settings },
        params.cartId,
        shopperOf(ctx.caller, headers),
        body.choices,
        (index, field) => `/body/choices/${index}/${field}`,
      );
    },

    async quoteCartShipping({ params, headers, body }, ctx) {
      return quoteCartShipping({ ctx, settings }, params.cartId, shopperOf(ctx.caller, headers), body);
    },
  };
}
