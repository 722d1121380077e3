import { requireUser } from '@tokobapak/server';
import { shopperOf } from '../access.js';
import { addLine, createCart, getCart, removeLine, updateLine } from '../carts.js';
import { applyCoupon, removeCoupon } from '../coupons.js';
import { mergeGuestCart } from '../merge.js';
import type { CartSettings } from '../options.js';
import type { CartHandlers } from './types.js';

/** A shopper's cart: its owner by access token, a guest by cart token. */
export function cartHandlers(
  settings: CartSettings,
): Pick<CartHandlers, 'createCart' | 'getCart' | 'addCartLine' | 'updateCartLine' | 'removeCartLine' | 'mergeCart' | 'applyCartCoupon' | 'removeCartCoupon'> {
  return {
    async createCart({ body }, ctx) {
      return createCart({ ctx, settings }, ctx.caller.kind === 'user' ? ctx.caller.userId : null, body?.currency);
    },

    async getCart({ params, headers }, ctx) {
      return getCart({ ctx, settings }, params.cartId, shopperOf(ctx.caller, headers));
    },

    async addCartLine({ params, headers, body }, ctx) {
      return addLine({ ctx, settings }, params.cartId, shopperOf(ctx.caller, headers), body);
    },

    async updateCartLine({ params, headers, body }, ctx) {
      return updateLine({ ctx, settings }, params.cartId, params.lineId, shopperOf(ctx.caller, headers), body.quantity);
    },

    async removeCartLine({ params, headers }, ctx) {
      return removeLine({ ctx, settings }, params.cartId, params.lineId, shopperOf(ctx.caller, headers));
    },

    async applyCartCoupon({ params, headers, body }, ctx) {
      return applyCoupon({ ctx, settings }, params.cartId, shopperOf(ctx.caller, headers), body.code);
    },

    async removeCartCoupon({ params, headers }, ctx) {
      return removeCoupon({ ctx, settings }, params.cartId, shopperOf(ctx.caller, headers), params.code);
    },

    async mergeCart({ headers }, ctx) {
      const token = (headers as Record<string, string | undefined>)['x-cart-token'];
      return mergeGuestCart({ ctx, settings }, requireUser(ctx.caller).userId, token);
    },
  };
}
