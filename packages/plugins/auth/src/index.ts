/** @tokobapak/plugin-auth: sign-in, sessions, password reset, OIDC and API keys. */

import type { AuthOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin, type PluginContext } from '@tokobapak/server';
import { createAuthService } from './auth-service.js';
import type { AuthDatabase } from './database.js';
import { authErrors } from './errors.js';
import { endRemovedStaffAccess, eraseDeletedUsers, trackSuspendedStores } from './events.js';
import { type AuthEvents, manifest } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { apiKeyHandlers } from './handlers/api-key-handlers.js';
import { credentialHandlers } from './handlers/credential-handlers.js';
import { oidcHandlers } from './handlers/oidc-handlers.js';
import { passwordHandlers } from './handlers/password-handlers.js';
import { sessionHandlers } from './handlers/session-handlers.js';
import { verifyApiKeySecret } from './key-verification.js';
import { migrations } from './migrations/index.js';
import type { AuthPluginOptions } from './options.js';
import { alertAdminsOfRefusedRefunds } from './refund-alerts.js';
import { sendResetMails } from './reset-mail.js';

export type { AuthDatabase } from './database.js';
export { authErrors } from './errors.js';
export type { AuthEvents } from './generated/manifest.js';
export { createOidcClient, type OidcProviderConfig, type OidcProviderInput } from './oidc/oidc-client.js';
export type { AuthPluginOptions } from './options.js';

/**
 * The auth service as a plugin.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin({ adminEmails: ['owner@example.com'] }), userPlugin()] });
 */
export function authPlugin(options: AuthPluginOptions = {}): Plugin {
  const service = createAuthService(options);
  let context: PluginContext<AuthDatabase, AuthEvents> | undefined;
  const started = () => {
    if (!context) throw new Error('the auth service has not started');
    return context;
  };
  return definePlugin<AuthOperations, AuthDatabase, AuthEvents>({
    name: 'auth',
    summary: 'Sign-in, rotating sessions, password reset, OpenID Connect and merchant API keys',
    spec,
    manifest,
    migrations,
    errors: authErrors,
    subscriptions: [eraseDeletedUsers, endRemovedStaffAccess, trackSuspendedStores, sendResetMails(service, started), alertAdminsOfRefusedRefunds(started)],
    async onStart(ctx) {
      context = ctx;
    },
    handlers: {
      ...sessionHandlers(service),
      ...passwordHandlers(service),
      ...oidcHandlers(service),
      ...apiKeyHandlers(),
      ...credentialHandlers(service),
    },
    provides: {
      // The runtime's API key port, answered in this process: no HTTP round trip to verifyApiKey.
      apiKeyVerifier: (ctx) => async (key) => {
        const verified = await verifyApiKeySecret(ctx, key);
        return 'verification' in verified ? verified.verification : null;
      },
    },
  });
}
