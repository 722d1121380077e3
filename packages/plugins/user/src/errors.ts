import { defineErrors } from '@tokobapak/server';

/** Every coded error the user service answers with (the spec's operation descriptions name them). */
export const userErrors = defineErrors({
  USER_EMAIL_TAKEN: { status: 409, title: 'An account with this email already exists' },
  USER_WEAK_PASSWORD: { status: 400, title: 'The password is too easy to guess' },
  USER_NOT_FOUND: { status: 404, title: 'No such user' },
  USER_PASSWORD_WRONG: { status: 403, title: 'The password is wrong' },
  USER_ADDRESS_NOT_FOUND: { status: 404, title: 'No such address' },
  USER_PAYMENT_METHOD_NOT_FOUND: { status: 404, title: 'No such payment method' },
  USER_PAYMENT_METHOD_EXISTS: { status: 409, title: 'This payment method is already saved' },
  USER_CARD_NUMBER_REJECTED: { status: 422, title: 'Card numbers are never accepted; save the gateway token instead' },
  USER_EMAIL_UNVERIFIED: { status: 409, title: 'An account with this email exists and the identity provider does not vouch for the email' },
  USER_DELETION_NOT_FOUND: { status: 404, title: 'No deletion record for this user' },
});
