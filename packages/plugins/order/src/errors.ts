import { defineErrors } from '@tokobapak/server';

/** Every coded error the order service answers with (the spec's operation descriptions name them). */
export const orderErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, title: 'No such order' },
  ORDER_CHECKOUT_NOT_FOUND: { status: 404, title: 'No such checkout' },
  ORDER_INVALID_TRANSITION: { status: 409, title: 'The order cannot make this change in its current status' },
});
