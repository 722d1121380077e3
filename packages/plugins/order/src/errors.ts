import { defineErrors } from '@tokobapak/server';

/** Every coded error the order service answers with (the spec's operation descriptions name them). */
export const orderErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, title: 'No such order' },
  ORDER_CHECKOUT_NOT_FOUND: { status: 404, title: 'No such checkout' },
  ORDER_INVALID_TRANSITION: { status: 409, title: 'The order cannot make this change in its current status' },
  ORDER_CART_NOT_FOUND: { status: 404, title: 'No such cart' },
  ORDER_CART_NOT_OPEN: { status: 409, title: 'The cart was already checked out, merged or expired' },
  ORDER_CART_EMPTY: { status: 422, title: 'The cart has nothing that can be bought' },
  ORDER_CART_CHANGED: { status: 409, title: 'A line of the cart is sold out or has less than it asks for now' },
  ORDER_SHIPPING_REQUIRED: { status: 422, title: 'A store of the cart ships this parcel, and no shipping option was chosen for it' },
  ORDER_SHIPPING_UNAVAILABLE: {
    status: 503,
    title: 'The shipping service is deployed but did not answer, so the shipping of a store cannot be fixed; nothing is held: try again shortly',
  },
  ORDER_SHIPPING_OPTION_INVALID: {
    status: 422,
    title: 'A chosen shipping option is unknown, expired, or was quoted for another store, currency, destination or a lighter parcel',
  },
  ORDER_PROMOTION_UNAVAILABLE: {
    status: 409,
    title: 'A promotion of the cart no longer applies (its limit was used up, it ended or was paused): read the cart again',
  },
  ORDER_CHECKOUT_NOT_CANCELLABLE: { status: 409, title: 'The checkout is paid, already given up, or still being placed' },
  ORDER_NOT_SHIPPABLE: { status: 409, title: 'The order is not accepted, or nothing of it is left to ship' },
  ORDER_TRACKING_REQUIRED: { status: 422, title: 'An order without a shipping quote needs the tracking number of its parcel' },
  ORDER_SHIPMENT_BOOKED: { status: 422, title: 'The shipping service books this order with its quote; give no carrier or tracking number' },
  ORDER_CHECKOUT_FAILED: { status: 409, title: 'The checkout was undone (a service failed or the server stopped mid-way)' },
  ORDER_NOT_CANCELLABLE: { status: 409, title: 'The order is waiting for its payment, already cancelled, or (for its customer) already accepted' },
  ORDER_LINE_NOT_FOUND: { status: 422, title: 'A line to cancel is not a line of this order' },
  ORDER_REFUND_EXCEEDS_PAID: { status: 409, title: 'More units of a line than are left of it: a refund never exceeds what was paid' },
  ORDER_REFUND_CURRENCY_MISMATCH: { status: 422, title: "An amount to refund is not in the order's currency" },
  ORDER_REFUND_PENDING: { status: 409, title: 'A refund of the order is still being made; retry' },
  ORDER_REFUND_DELAYED: {
    status: 503,
    title: 'The refund is counted, but the payment or inventory service did not answer: it is finished in the background (retry with the same Idempotency-Key)',
  },
});
