import { defineErrors } from '@tokobapak/server';

/** Every coded error the auth service answers with (the spec's operation descriptions name them). */
export const authErrors = defineErrors({
  AUTH_INVALID_CREDENTIALS: { status: 401, title: 'The email or password is wrong' },
  AUTH_LOGIN_THROTTLED: { status: 429, title: 'Too many sign-in attempts; try again later' },
  AUTH_REFRESH_TOKEN_INVALID: { status: 401, title: 'The refresh token is not valid' },
  AUTH_REFRESH_TOKEN_REUSED: { status: 401, title: 'The refresh token was already used; the session is revoked' },
  AUTH_RESET_TOKEN_INVALID: { status: 400, title: 'The password reset token is invalid, used or expired' },
  AUTH_CURRENT_PASSWORD_WRONG: { status: 403, title: 'The current password is wrong' },
  AUTH_WEAK_PASSWORD: { status: 400, title: 'The password is too easy to guess' },
  AUTH_NO_PASSWORD: { status: 403, title: 'This account signs in through an identity provider and has no password' },
  AUTH_EMAIL_TAKEN: { status: 409, title: 'An account with this email already exists' },
  AUTH_USER_NOT_FOUND: { status: 404, title: 'No such account' },
  AUTH_API_KEY_NOT_FOUND: { status: 404, title: 'No such API key' },
  AUTH_API_KEY_INVALID: { status: 401, title: 'The API key is not valid' },
  AUTH_API_KEY_EXPIRY_IN_PAST: { status: 400, title: 'The API key would already be expired' },
  AUTH_STORE_ACCESS_DENIED: { status: 403, title: 'The caller may not act in this store' },
  AUTH_OIDC_PROVIDER_NOT_FOUND: { status: 404, title: 'No such identity provider' },
  AUTH_OIDC_STATE_INVALID: { status: 400, title: 'The sign-in attempt is unknown, used or expired' },
  AUTH_OIDC_CODE_INVALID: { status: 400, title: 'The identity provider did not confirm the sign-in' },
  AUTH_OIDC_DENIED: { status: 400, title: 'The identity provider refused the sign-in' },
  AUTH_OIDC_EMAIL_MISSING: { status: 400, title: 'The identity provider did not share an email address' },
  AUTH_OIDC_ACCOUNT_CONFLICT: { status: 409, title: 'An account with this email exists and the provider does not vouch for the email' },
  AUTH_OIDC_UNAVAILABLE: { status: 503, title: 'The identity provider cannot be reached' },
});
