import type { OidcProviderInput } from './oidc/oidc-client.js';
import type { ResetSettings } from './password-reset.js';
import type { PasswordCost } from './passwords.js';
import type { ThrottleLimits } from './throttle.js';

/** Settings of the auth service (the `auth` key of `tokobapak.config.mjs`). */
export interface AuthPluginOptions {
  /** Refresh-token (session) lifetime in seconds; default 30 days. */
  refreshTokenTtlSeconds?: number;
  /** Argon2id cost; default OWASP's minimum (19 MiB, t=2, p=1). */
  passwordCost?: PasswordCost;
  throttle?: Partial<ThrottleLimits>;
  passwordReset?: Partial<ResetSettings> & {
    /** Link in the reset mail; `{token}` is replaced. Default `<publicUrl>/reset-password?token={token}`. */
    url?: string;
  };
  /** OpenID Connect providers; completed from `TOKOBAPAK_OIDC_<ID>_*` variables. */
  oidcProviders?: OidcProviderInput[];
  /** Allow `http://` issuers (tests against a provider on 127.0.0.1 only). */
  allowInsecureOidc?: boolean;
  /** Emails that get the admin role when their account is created (also `TOKOBAPAK_ADMIN_EMAILS`, comma-separated). */
  adminEmails?: string[];
  /** Where `TOKOBAPAK_*` variables are read from (default `process.env`). */
  env?: Record<string, string | undefined>;
}
