import { shopperOf } from '../access.js';
import type { CartSettings } from '../options.js';
import { selectShipping } from '../shipping-choice.js';
import type { CartHandlers } from './types.js';

/** Choosing a shipping option per store, priced by the shipping service. */
export function shippingHandlers(settings: CartSettings): Pick<CartHandlers, 'selectCartShipping'> {
  return {
    async selectCartShipping({ params, headers, body }, ctx) {
      return selectShipping({ ctx, settings }, params.cartId, params.storeId, shopperOf(ctx.caller, headers), body.optionId);
    },
  };
}
