import { eventTypes } from '@tokobapak/sdk';
import { requireUser } from '@tokobapak/server';
import type { AuthService } from '../auth-service.js';
import { authErrors } from '../errors.js';
import { assertStrongPassword } from '../password-policy.js';
import { consumeResetToken } from '../password-reset.js';
import { normalizeEmail } from '../secrets.js';
import { revokeAllSessions } from '../sessions.js';
import type { AuthHandlers } from './types.js';

/** Password change, forgotten-password mail and reset. */
export function passwordHandlers(service: AuthService): Pick<AuthHandlers, 'changePassword' | 'forgotPassword' | 'resetPassword'> {
  return {
    async changePassword({ body }, ctx) {
      const { userId } = requireUser(ctx.caller);
      const credential = await ctx.db.selectFrom('credentials').select(['password_hash', 'email']).where('user_id', '=', userId).executeTakeFirst();
      if (!credential) throw authErrors.AUTH_USER_NOT_FOUND();
      if (!credential.password_hash) throw authErrors.AUTH_NO_PASSWORD('Set a password through the forgotten-password mail first');
      if (!(await service.hasher.verify(credential.password_hash, body.currentPassword))) throw authErrors.AUTH_CURRENT_PASSWORD_WRONG();
      assertStrongPassword(body.newPassword, credential.email);
      const passwordHash = await service.hasher.hash(body.newPassword);
      await ctx.transaction(async (tx) => {
        const now = ctx.clock.now();
        await tx.db.updateTable('credentials').set({ password_hash: passwordHash, updated_at: now }).where('user_id', '=', userId).execute();
        await revokeAllSessions(tx.db, userId, 'password-changed', now);
        await tx.publish({ type: eventTypes.auth.passwordChanged, subject: userId, data: { userId } });
      });
    },

    async forgotPassword({ body }, ctx) {
      // The same work whether or not an account has the email — count the request, publish — so
      // neither the answer nor its time tells them apart; the mail leaves after the answer (reset-mail.ts).
      const email = normalizeEmail(body.email);
      await ctx.rateLimit(`auth.forgot-password:${email}`, { max: service.reset.requestsPerHour, windowSeconds: 3600 });
      await ctx.transaction((tx) => tx.publish({ type: eventTypes.auth.passwordResetRequested, subject: 'password-reset', data: { email } }));
    },

    async resetPassword({ body }, ctx) {
      assertStrongPassword(body.newPassword);
      const passwordHash = await service.hasher.hash(body.newPassword);
      await ctx.transaction(async (tx) => {
        const now = ctx.clock.now();
        const userId = await consumeResetToken(tx.db, body.token, now);
        if (!userId) throw authErrors.AUTH_RESET_TOKEN_INVALID();
        await tx.db.updateTable('credentials').set({ password_hash: passwordHash, updated_at: now }).where('user_id', '=', userId).execute();
        await revokeAllSessions(tx.db, userId, 'password-reset', now);
        await tx.publish({ type: eventTypes.auth.passwordReset, subject: userId, data: { userId } });
      });
    },
  };
}
