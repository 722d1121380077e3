/** @tokobapak/plugin-user: registration, profiles, shipping addresses, saved payment methods and account deletion. */
import type { UserOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { UserDatabase } from './database.js';
import { userErrors } from './errors.js';
import { recordDeletionAcknowledgements } from './events.js';
import { manifest, type UserEvents } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { addressHandlers } from './handlers/address-handlers.js';
import { paymentMethodHandlers } from './handlers/payment-method-handlers.js';
import { profileHandlers } from './handlers/profile-handlers.js';
import { userHandlers } from './handlers/user-handlers.js';
import { migrations } from './migrations/index.js';
import { resolveSettings, type UserPluginOptions } from './options.js';
import { registrationProcess } from './registration-process.js';

export { looksLikeCardNumber } from './card-numbers.js';
export type { UserDatabase, UserStatus } from './database.js';
export { userErrors } from './errors.js';
export type { UserEvents } from './generated/manifest.js';
export type { UserPluginOptions } from './options.js';

/**
 * The user service as a plugin. It calls the auth service (in this process or remote) to store and
 * check passwords, so load both.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), userPlugin()] });
 */
export function userPlugin(options: UserPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  const registration = registrationProcess(settings);
  return definePlugin<UserOperations, UserDatabase, UserEvents>({
    name: 'user',
    summary: 'Registration, profiles, shipping addresses, saved payment methods and account deletion',
    spec,
    manifest,
    migrations,
    errors: userErrors,
    subscriptions: [recordDeletionAcknowledgements],
    processes: [registration],
    handlers: {
      ...profileHandlers(registration, settings),
      ...addressHandlers(),
      ...paymentMethodHandlers(),
      ...userHandlers(settings),
    },
  });
}
