import { defineErrors } from '@tokobapak/server';

/** Every coded error the shipping service answers with (the spec's operation descriptions name them). */
export const shippingErrors = defineErrors({
  SHIPPING_QUOTE_NOT_FOUND: { status: 404, title: "No such shipping option (or another store's)" },
  SHIPPING_QUOTE_EXPIRED: { status: 410, title: 'The shipping option has expired; ask for a new quote' },
  SHIPPING_QUOTE_MISMATCH: { status: 409, title: 'The parcel is not the one that was quoted (another destination, or heavier)' },
  SHIPPING_CURRENCY_MISMATCH: { status: 422, title: 'The store charges shipping in another currency' },
  SHIPPING_SHIPMENT_NOT_FOUND: { status: 404, title: 'No such shipment' },
  SHIPPING_REFERENCE_CONFLICT: { status: 409, title: 'This reference already has a shipment of another store or option' },
  SHIPPING_BOOKING_IN_PROGRESS: { status: 409, title: 'This reference is being booked right now; retry shortly' },
  SHIPPING_CARRIER_REJECTED: { status: 422, title: 'The carrier refused the parcel' },
  SHIPPING_CARRIER_UNAVAILABLE: { status: 503, title: 'The carrier did not answer; retry later' },
  SHIPPING_INVALID_SETTINGS: { status: 400, title: 'The shipping settings are not consistent' },
  SHIPPING_STATUS_MANAGED_BY_CARRIER: { status: 409, title: "A carrier reports this shipment's status; the store cannot set it" },
  SHIPPING_STATUS_NOT_FORWARD: { status: 409, title: "The status does not come after the shipment's current one" },
  SHIPPING_PROVIDER_NOT_FOUND: { status: 404, title: 'This server has no account with this provider' },
  SHIPPING_WEBHOOK_UNAUTHENTICATED: { status: 401, title: "The webhook's secret is missing or wrong" },
  SHIPPING_WEBHOOK_INVALID: { status: 400, title: 'The webhook payload is not one of this provider' },
});
