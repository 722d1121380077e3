import { requireService } from '@tokobapak/server';
import { addCustomerLine } from '../customer-lines.js';
import type { CartSettings } from '../options.js';
import type { CartHandlers } from './types.js';

/** A line added to a customer's own cart by the wishlist service (its spec admits no other caller). */
export function customerLineHandlers(settings: CartSettings): Pick<CartHandlers, 'addCustomerCartLine'> {
  return {
    async addCustomerCartLine({ params, body }, ctx) {
      requireService(ctx.caller);
      return addCustomerLine({ ctx, settings }, params.customerId, body);
    },
  };
}
