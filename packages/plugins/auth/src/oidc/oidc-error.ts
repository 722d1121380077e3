/**
 * Why an OpenID Connect exchange failed, in the terms the auth service answers with:
 * - `unavailable`: discovery, the token endpoint or the keys could not be reached (retry later);
 * - `state_mismatch`: the callback's `state` is missing or is not the one this login issued;
 * - `denied`: the provider sent the browser back with `error` (the user declined, …);
 * - `code_rejected`: the token endpoint refused the code (used, expired, wrong verifier or client);
 * - `invalid_response`: the tokens failed validation (issuer, audience, nonce, signature, expiry).
 */
export type OidcFailureReason = 'unavailable' | 'state_mismatch' | 'denied' | 'code_rejected' | 'invalid_response';

/** A failed OpenID Connect step; `reason` says which, `cause` keeps openid-client's error. */
export class OidcClientError extends Error {
  /** The OAuth error code the provider sent, if any. */
  readonly providerError: string | undefined;

  constructor(
    readonly reason: OidcFailureReason,
    /** The provider's id from its configuration. */
    readonly providerId: string,
    message: string,
    options: {
      cause?: unknown;
      /** The OAuth error code the provider sent (`access_denied`, `invalid_grant`, …), if any. */
      providerError?: string | undefined;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'OidcClientError';
    this.providerError = options.providerError;
  }
}
