import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type PluginContext } from '@tokobapak/server';
import type { AuthService } from './auth-service.js';
import type { AuthDatabase } from './database.js';
import type { AuthEvents } from './generated/manifest.js';
import { createResetToken } from './password-reset.js';

const subscribe = eventSubscriber<AuthDatabase, AuthEvents>();

/**
 * `auth.password-reset-requested` → if an account has the email and its hourly allowance is not
 * spent, a new reset link (superseding the older ones) and the mail. `forgotPassword` only
 * publishes this event, so its answer takes the same work and time for a known and an unknown
 * email; the mail leaves after the answer. A mail that fails rolls the token back and the event is
 * retried. The context (mailer, public URL, clock) is the plugin's, given at start.
 */
export function sendResetMails(service: AuthService, context: () => PluginContext<AuthDatabase, AuthEvents>) {
  return subscribe({
    name: 'send-reset-mails',
    types: [eventTypes.auth.passwordResetRequested],
    async handle(event, tx) {
      const ctx = context();
      const { email } = event.data;
      const credential = await tx.db.selectFrom('credentials').select('user_id').where('email', '=', email).executeTakeFirst();
      if (!credential) return;
      const token = await createResetToken(tx.db, service.reset, credential.user_id, ctx.clock.now());
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
  });
}
