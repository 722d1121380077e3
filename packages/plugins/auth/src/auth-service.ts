import type { HandlerContext } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';
import type { AuthEvents } from './generated/manifest.js';
import { createOidcClient, type OidcClient, resolveOidcProviders } from './oidc/oidc-client.js';
import type { AuthPluginOptions } from './options.js';
import { DEFAULT_RESET, type ResetSettings } from './password-reset.js';
import { createPasswordHasher, DEFAULT_PASSWORD_COST, type PasswordHasher } from './passwords.js';
import { normalizeEmail } from './secrets.js';
import type { SessionSettings } from './sessions.js';
import { DEFAULT_THROTTLE, type ThrottleLimits } from './throttle.js';

/** Everything the handlers share, resolved once from the plugin options. */
export interface AuthService {
  hasher: PasswordHasher;
  throttle: ThrottleLimits;
  reset: ResetSettings & { url: string | undefined };
  refreshTokenTtlSeconds: number;
  oidc: Map<string, OidcClient>;
  adminEmails: Set<string>;
  session(ctx: HandlerContext<AuthDatabase, AuthEvents>): SessionSettings;
}

/** Resolves options, environment and defaults into the service the handlers use. */
export function createAuthService(options: AuthPluginOptions): AuthService {
  const env = options.env ?? process.env;
  const refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? 30 * 24 * 3600;
  const providers = resolveOidcProviders(options.oidcProviders ?? [], env);
  const adminEmails = [...(options.adminEmails ?? []), ...(env.TOKOBAPAK_ADMIN_EMAILS ?? '').split(',')].map(normalizeEmail).filter(Boolean);
  return {
    hasher: createPasswordHasher(options.passwordCost ?? DEFAULT_PASSWORD_COST),
    throttle: { ...DEFAULT_THROTTLE, ...options.throttle },
    reset: { ...DEFAULT_RESET, ...options.passwordReset, url: options.passwordReset?.url },
    refreshTokenTtlSeconds,
    oidc: new Map(providers.map((provider) => [provider.id, createOidcClient(provider, { allowInsecureHttp: options.allowInsecureOidc ?? false })])),
    adminEmails: new Set(adminEmails),
    session: (ctx) => ({ tokens: ctx.tokens, refreshTokenTtlSeconds, now: () => ctx.clock.now() }),
  };
}
