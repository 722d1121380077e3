import * as client from 'openid-client';
import { OidcClientError, type OidcFailureReason } from './oidc-error.js';
import type { OidcProviderConfig } from './oidc-provider-config.js';

export { OidcClientError, type OidcFailureReason } from './oidc-error.js';
export { type OidcProviderConfig, type OidcProviderInput, resolveOidcProviders } from './oidc-provider-config.js';

/** Options for {@link createOidcClient}. */
export interface OidcClientOptions {
  /** Used for every request to the provider (discovery, token, keys, userinfo). */
  fetch?: typeof fetch;
  /** Allows an `http://` issuer; for tests against a provider on 127.0.0.1 only. */
  allowInsecureHttp?: boolean;
}

/** What {@link OidcClient.authorizationUrl} needs; keep all three secrets with the login attempt. */
export interface AuthorizationUrlParams {
  /** The callback URL registered with the provider; must not carry a query string. */
  redirectUri: string;
  state: string;
  nonce: string;
  /** The PKCE verifier; only its S256 challenge leaves the server. */
  codeVerifier: string;
}

/** What {@link OidcClient.exchangeCode} needs. */
export interface ExchangeCodeParams {
  /** The callback URL the browser arrived at, with `code`, `state` and maybe `iss` or `error`. */
  currentUrl: URL;
  /** The same `redirectUri` given to {@link OidcClient.authorizationUrl}. */
  redirectUri: string;
  expectedState: string;
  expectedNonce: string;
  codeVerifier: string;
}

/** The person the provider vouches for. */
export interface OidcIdentity {
  /** The provider's stable id for the person (`sub`); unique per issuer, never reassigned. */
  subject: string;
  email: string | null;
  /** True only when the provider says it verified `email`. */
  emailVerified: boolean;
  name: string | null;
}

/** An OpenID Connect relying party for one provider. */
export interface OidcClient {
  readonly provider: Pick<OidcProviderConfig, 'id' | 'name' | 'issuer'>;
  /** The provider's authorization URL for the code flow with PKCE S256. */
  authorizationUrl(params: AuthorizationUrlParams): Promise<URL>;
  /**
   * Checks the callback, redeems the code and validates the ID token (issuer, audience, nonce,
   * signature, expiry). Reads the userinfo endpoint when the ID token lacks `email` or `name`.
   * Throws {@link OidcClientError}.
   */
  exchangeCode(params: ExchangeCodeParams): Promise<OidcIdentity>;
}

const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/**
 * A relying party for one provider, built on openid-client. Discovery runs on first use and is
 * kept for the life of the client (a failed discovery is retried on the next call), so create
 * one client per provider at start-up.
 *
 * @example
 * ```ts
 * const google = createOidcClient({ id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId, clientSecret });
 * const state = randomState(), nonce = randomNonce(), codeVerifier = randomCodeVerifier();
 * const url = await google.authorizationUrl({ redirectUri, state, nonce, codeVerifier });
 * // … the browser comes back to redirectUri …
 * const who = await google.exchangeCode({ currentUrl, redirectUri, expectedState: state, expectedNonce: nonce, codeVerifier });
 * ```
 */
export function createOidcClient(provider: OidcProviderConfig, options: OidcClientOptions = {}): OidcClient {
  const issuer = new URL(provider.issuer);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && options.allowInsecureHttp)) {
    throw new Error(`OIDC provider "${provider.id}": the issuer must be an https:// URL, not ${provider.issuer}`);
  }
  const scope = [...new Set(['openid', ...(provider.scopes ?? DEFAULT_SCOPES)])].join(' ');
  const fail = (reason: OidcFailureReason, message: string, extra: { cause?: unknown; providerError?: string | undefined } = {}) =>
    new OidcClientError(reason, provider.id, `${provider.name}: ${message}`, extra);

  let configuration: Promise<client.Configuration> | undefined;
  const discover = () => {
    configuration ??= client
      .discovery(issuer, provider.clientId, undefined, clientSecretAuth(provider.clientSecret), {
        ...(options.fetch ? { [client.customFetch]: wrapFetch(options.fetch) } : {}),
        ...(options.allowInsecureHttp ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw fail('unavailable', `discovery of ${provider.issuer} failed: ${describe(error)}`, { cause: error });
      });
    return configuration;
  };

  return {
    provider: { id: provider.id, name: provider.name, issuer: provider.issuer },

    async authorizationUrl({ redirectUri, state, nonce, codeVerifier }) {
      const config = await discover();
      return client.buildAuthorizationUrl(config, {
        response_type: 'code',
        redirect_uri: redirectUri,
        scope,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode({ currentUrl, redirectUri, expectedState, expectedNonce, codeVerifier }) {
      const params = currentUrl.searchParams;
      // Checked here first so that a forged callback never reaches the token endpoint.
      if (params.get('state') !== expectedState) throw fail('state_mismatch', 'the callback state does not match this login');
      const providerError = params.get('error');
      if (providerError !== null) {
        const description = params.get('error_description');
        throw fail('denied', `the provider returned ${providerError}${description ? ` (${description})` : ''}`, { providerError });
      }
      const config = await discover();

      // openid-client sends the callback URL minus its query as redirect_uri; rebuilding it from
      // the configured redirectUri keeps that right behind proxies that rewrite host or scheme.
      const callback = new URL(redirectUri);
      callback.search = currentUrl.search;
      callback.hash = '';

      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, callback, { expectedState, expectedNonce, pkceCodeVerifier: codeVerifier, idTokenExpected: true });
      } catch (error) {
        throw toOidcError(error, fail, 'the code exchange failed');
      }
      const claims = tokens.claims();
      if (!claims) throw fail('invalid_response', 'the token response has no ID token');

      let email = stringClaim(claims.email);
      let emailVerified = booleanClaim(claims.email_verified);
      let name = stringClaim(claims.name);
      // Providers that follow OIDC Core to the letter put profile claims only in userinfo when
      // they also issue an access token; Google and others copy them into the ID token.
      if ((email === null || name === null) && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
        let info: client.UserInfoResponse;
        try {
          info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        } catch (error) {
          throw toOidcError(error, fail, 'reading userinfo failed');
        }
        if (email === null) {
          email = stringClaim(info.email);
          emailVerified = booleanClaim(info.email_verified);
        }
        name ??= stringClaim(info.name);
      }
      return { subject: claims.sub, email, emailVerified: email !== null && emailVerified, name };
    },
  };
}

/** A fresh `state` value (32 random bytes, base64url). */
export function randomState(): string {
  return client.randomState();
}

/** A fresh `nonce` value (32 random bytes, base64url). */
export function randomNonce(): string {
  return client.randomNonce();
}

/** A fresh PKCE `code_verifier` (32 random bytes, base64url). */
export function randomCodeVerifier(): string {
  return client.randomPKCECodeVerifier();
}

// client_secret_basic is the OIDC default and what a provider that lists no methods supports;
// fall back to client_secret_post only for providers that do not offer basic.
function clientSecretAuth(secret: string): client.ClientAuth {
  const basic = client.ClientSecretBasic(secret);
  const post = client.ClientSecretPost(secret);
  return (as, metadata, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported;
    const useBasic = !methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post');
    (useBasic ? basic : post)(as, metadata, body, headers);
  };
}

function wrapFetch(fetchImpl: typeof fetch): client.CustomFetch {
  return (url, init) => fetchImpl(url, init as RequestInit);
}

function toOidcError(
  error: unknown,
  fail: (reason: OidcFailureReason, message: string, extra?: { cause?: unknown; providerError?: string | undefined }) => OidcClientError,
  what: string,
): OidcClientError {
  if (error instanceof OidcClientError) return error;
  if (error instanceof client.ResponseBodyError) {
    return fail('code_rejected', `${what}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`, {
      cause: error,
      providerError: error.error,
    });
  }
  if (error instanceof client.AuthorizationResponseError) {
    return fail('denied', `${what}: ${error.error}`, { cause: error, providerError: error.error });
  }
  return fail(isUnreachable(error) ? 'unavailable' : 'invalid_response', `${what}: ${describe(error)}`, { cause: error });
}

function isUnreachable(error: unknown): boolean {
  // fetch() rejects with a plain TypeError; openid-client's own argument errors carry a code.
  if (error instanceof TypeError) return !('code' in error);
  const code = (error as { code?: unknown }).code;
  return code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // openid-client's messages are generic ("invalid response encountered"); the cause says which check failed.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function booleanClaim(value: unknown): boolean {
  // A few providers send "true" as a string.
  return value === true || value === 'true';
}
