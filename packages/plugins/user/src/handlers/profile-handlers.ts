import { actingUserId, requireUser } from '@tokobapak/server';
import { deleteAccount } from '../deletion.js';
import { iso, toUser } from '../mappers.js';
import type { UserSettings } from '../options.js';
import { updateProfile } from '../profiles.js';
import { registerUser } from '../registration.js';
import type { RegistrationProcess } from '../registration-process.js';
import { normalizeEmail, requireAccount } from '../users.js';
import type { UserHandlers } from './types.js';

/** Registration and the caller's own profile and account. */
export function profileHandlers(
  registration: RegistrationProcess,
  settings: UserSettings,
): Pick<UserHandlers, 'register' | 'getProfile' | 'updateProfile' | 'deleteAccount'> {
  return {
    async register({ body }, ctx) {
      // Counted per address before anything else, so a taken email cannot be probed at speed.
      await ctx.rateLimit(`user.register:${normalizeEmail(body.email)}`, { max: settings.registrationsPerHour, windowSeconds: 3600 });
      return toUser(await registerUser(ctx, registration, body));
    },

    async getProfile(_request, ctx) {
      return toUser(await requireAccount(ctx.db, actingUserId(ctx.caller)));
    },

    async updateProfile({ body }, ctx) {
      return toUser(await updateProfile(ctx.db, actingUserId(ctx.caller), body, ctx.clock.now()));
    },

    async deleteAccount({ body }, ctx) {
      const { userId } = requireUser(ctx.caller);
      const deletion = await deleteAccount(ctx, userId, body.password);
      return { userId: deletion.userId, deletedAt: iso(deletion.deletedAt) };
    },
  };
}
