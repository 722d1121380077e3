/** @tokobapak/plugin-merchant: stores, public store profiles, staff and invitations, store moderation, balance ledger and withdrawals. */
import type { MerchantOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { MerchantDatabase } from './database.js';
import { merchantErrors } from './errors.js';
import { eraseDeletedUsers } from './events.js';
import { type MerchantEvents, manifest } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { adminHandlers } from './handlers/admin-handlers.js';
import { balanceHandlers } from './handlers/balance-handlers.js';
import { payoutHandlers } from './handlers/payout-handlers.js';
import { staffHandlers } from './handlers/staff-handlers.js';
import { storeHandlers } from './handlers/store-handlers.js';
import { migrations } from './migrations/index.js';
import { type MerchantPluginOptions, resolveSettings } from './options.js';
import { postOrderMoney } from './order-settlement.js';

export type { LedgerAccountKind, LedgerPostingKind, MerchantDatabase, StoredInvitationStatus, StoreStatus, WithdrawalStatus } from './database.js';
export { merchantErrors } from './errors.js';
export { OWNER_DELETED_REASON } from './events.js';
export type { MerchantEvents } from './generated/manifest.js';
export type { MerchantPluginOptions } from './options.js';

/**
 * The merchant service as a plugin. It asks the user service for the email of whoever accepts an
 * invitation, and consumes `user.deleted`; auth asks it for store memberships. Load all three.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), userPlugin(), merchantPlugin()] });
 */
export function merchantPlugin(options: MerchantPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);
  return definePlugin<MerchantOperations, MerchantDatabase, MerchantEvents>({
    name: 'merchant',
    summary: 'Stores, public store profiles, staff and invitations, store moderation, balance ledger and withdrawals',
    spec,
    manifest,
    migrations,
    errors: merchantErrors,
    subscriptions: [eraseDeletedUsers, postOrderMoney],
    handlers: {
      ...storeHandlers(),
      ...staffHandlers(settings),
      ...adminHandlers(),
      ...balanceHandlers(),
      ...payoutHandlers(),
    },
  });
}
