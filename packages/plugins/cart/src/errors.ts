import { defineErrors } from '@tokobapak/server';

/** Every coded error the cart service answers with (the spec's operation descriptions name them). */
export const cartErrors = defineErrors({
  CART_NOT_FOUND: { status: 404, title: 'No such cart (or it is not yours)' },
  CART_TOKEN_REQUIRED: { status: 401, title: 'Sign in, or send the cart token in X-Cart-Token' },
  CART_LINE_NOT_FOUND: { status: 404, title: 'No such line in this cart' },
  CART_VARIANT_NOT_FOUND: { status: 404, title: 'No such variant, or it is not on sale' },
  CART_INSUFFICIENT_STOCK: { status: 409, title: 'Not that many are available' },
  CART_CURRENCY_MISMATCH: { status: 422, title: 'The variant is priced in another currency than the cart' },
  CART_NOT_OPEN: { status: 409, title: 'The cart was completed, merged or expired and no longer changes' },
  CART_LINE_QUANTITY_LIMIT: { status: 422, title: 'A line holds at most 10000 units' },
  CART_TOO_MANY_LINES: { status: 422, title: 'The cart has as many lines as it may' },
  CART_CONFLICT: { status: 409, title: 'The cart kept changing while this change was being made: nothing was changed, send it again' },
  CART_COUPON_REJECTED: { status: 422, title: 'The coupon code does not apply to this cart' },
  CART_TOO_MANY_COUPONS: { status: 422, title: 'A cart holds at most 10 coupon codes' },
  CART_PROMOTIONS_UNAVAILABLE: {
    status: 503,
    title: 'The promotion service is not deployed (coupons cannot be checked) or did not answer (the cart cannot be priced): try again shortly',
  },
  CART_SHIPPING_OPTION_INVALID: { status: 422, title: 'No such shipping option for this store and cart, or it has expired' },
  CART_INVALID_TAX: { status: 400, title: 'The tax base fraction must not be above 1' },
});
