import { getDeletionRecord } from '../deletion.js';
import { userErrors } from '../errors.js';
import { toUser } from '../mappers.js';
import type { UserSettings } from '../options.js';
import { provisionUser } from '../registration.js';
import { findUser } from '../users.js';
import type { UserHandlers } from './types.js';

/** Operations on any user, for other services and admins (the spec's security rules say who). */
export function userHandlers(settings: UserSettings): Pick<UserHandlers, 'getUser' | 'provisionUser' | 'getDeletionRecord'> {
  return {
    async getUser({ params }, ctx) {
      const row = await findUser(ctx.db, params.userId);
      if (!row) throw userErrors.USER_NOT_FOUND();
      return toUser(row);
    },

    async provisionUser({ body }, ctx) {
      const { user, created } = await provisionUser(ctx, settings, body);
      return { user: toUser(user), created };
    },

    async getDeletionRecord({ params }, ctx) {
      return getDeletionRecord(ctx.db, params.userId);
    },
  };
}
