import { requireUser } from '@tokobapak/server';
import type { AuthService } from '../auth-service.js';
import { authErrors } from '../errors.js';
import { AUTH_EVENTS } from '../events.js';
import { assertStrongPassword } from '../password-policy.js';
import { consumeResetToken, createResetToken } from '../password-reset.js';
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
        await tx.publish({ type: AUTH_EVENTS.passwordChanged, subject: userId, data: { userId } });
      });
    },

    async forgotPassword({ body }, ctx) {
      // The answer is the same whether or not the account exists, so nobody can probe for emails.
      const email = normalizeEmail(body.email);
      const credential = await ctx.db.selectFrom('credentials').select('user_id').where('email', '=', email).executeTakeFirst();
      if (!credential) return;
      const token = await createResetToken(ctx.db, service.reset, credential.user_id, ctx.clock.now());
      if (!token) return;
      const link = (service.reset.url ?? `${ctx.publicUrl}/reset-password?token={token}`).replace('{token}', encodeURIComponent(token));
      const minutes = Math.round(service.reset.ttlSeconds / 60);
      await ctx.mailer.send({
        to: email,
        subject: 'Reset your TokoBapak password',
        text: [
          'Someone (hopefully you) asked to reset the password of this account.',
          '',
          `Open this link within ${minutes} minutes to choose a new password:`,
          link,
          '',
          `Or use this reset token: ${token}`,
          '',
          'The link works once. If you did not ask for it, ignore this mail; your password stays as it is.',
        ].join('\n'),
      });
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
        await tx.publish({ type: AUTH_EVENTS.passwordReset, subject: userId, data: { userId } });
      });
    },
  };
}
