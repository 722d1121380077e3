import { defineErrors } from '@tokobapak/server';

/** Every coded error the payment service answers with (the spec's operation descriptions name them). */
export const paymentErrors = defineErrors({
  PAYMENT_NOT_FOUND: { status: 404, title: 'No such payment' },
  PAYMENT_REFERENCE_MISMATCH: { status: 409, title: 'This reference was used for another payment' },
  PAYMENT_REFERENCE_VOIDED: { status: 409, title: 'This reference was voided: no payment is made for it' },
  PAYMENT_METHOD_UNSUPPORTED: { status: 422, title: 'The gateway does not offer this payment method or currency' },
  PAYMENT_PROVIDER_REFUSED: { status: 422, title: 'The payment gateway refused the request' },
  PAYMENT_PROVIDER_UNAVAILABLE: { status: 503, title: 'The payment gateway did not answer' },
  PAYMENT_NOT_CANCELLABLE: { status: 409, title: 'Only a pending payment can be cancelled' },
  PAYMENT_NOT_REFUNDABLE: { status: 409, title: 'Only a paid payment can be refunded' },
  PAYMENT_REFUND_EXCEEDS_PAID: { status: 409, title: 'Refunds would exceed what was paid' },
  PAYMENT_REFUND_MISMATCH: { status: 409, title: 'This idempotency key was used for another refund' },
  PAYMENT_CURRENCY_MISMATCH: { status: 400, title: "The amount is not in the payment's currency" },
  PAYMENT_NOT_SANDBOX: { status: 409, title: 'The payment was not made through the sandbox gateway' },
  PAYMENT_SANDBOX_DISABLED: { status: 403, title: 'The sandbox gateway is disabled on this store' },
  PAYMENT_NOT_PENDING: { status: 409, title: 'The payment is no longer pending' },
  PAYMENT_WEBHOOK_SIGNATURE_INVALID: { status: 401, title: 'The webhook signature is missing or wrong' },
  PAYMENT_WEBHOOK_INVALID: { status: 400, title: 'Not a notification this gateway sends' },
  PAYMENT_PROVIDER_NOT_FOUND: { status: 404, title: 'No such payment gateway is configured' },
});
