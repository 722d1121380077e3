import { completeCart, getCheckoutCart } from '../checkout.js';
import type { CartSettings } from '../options.js';
import type { CartHandlers } from './types.js';

/** Carts as the order service reads and completes them. */
export function checkoutHandlers(settings: CartSettings): Pick<CartHandlers, 'getCheckoutCart' | 'completeCart'> {
  return {
    async getCheckoutCart({ params }, ctx) {
      return getCheckoutCart({ ctx, settings }, params.cartId);
    },

    async completeCart({ params, body }, ctx) {
      await completeCart({ ctx, settings }, params.cartId, body.checkoutId);
    },
  };
}
