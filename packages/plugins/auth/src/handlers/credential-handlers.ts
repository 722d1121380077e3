import { eventTypes } from '@tokobapak/sdk';
import { isUniqueViolation } from '@tokobapak/server';
import type { AuthService } from '../auth-service.js';
import { authErrors } from '../errors.js';
import { eraseUser } from '../events.js';
import { assertStrongPassword } from '../password-policy.js';
import { normalizeEmail } from '../secrets.js';
import { revokeAllSessions } from '../sessions.js';
import type { AuthHandlers } from './types.js';

/** Credentials as the user service and admins manage them. */
export function credentialHandlers(service: AuthService): Pick<AuthHandlers, 'createCredential' | 'deleteCredential' | 'verifyPassword' | 'setUserRole'> {
  return {
    async createCredential({ body }, ctx) {
      const email = normalizeEmail(body.email);
      assertStrongPassword(body.password, email);
      const passwordHash = await service.hasher.hash(body.password);
      try {
        await ctx.db
          .insertInto('credentials')
          .values({ user_id: body.userId, email, password_hash: passwordHash, role: service.adminEmails.has(email) ? 'admin' : 'customer' })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw authErrors.AUTH_EMAIL_TAKEN();
        throw error;
      }
      return { userId: body.userId, email };
    },

    async deleteCredential({ params }, ctx) {
      await ctx.transaction((tx) => eraseUser(tx.db, params.userId));
      // Access tokens are verified without the database: without this they would keep writing until they expire.
      await ctx.accounts.markDeleted(params.userId);
    },

    async verifyPassword({ params, body }, ctx) {
      const credential = await ctx.db.selectFrom('credentials').select('password_hash').where('user_id', '=', params.userId).executeTakeFirst();
      if (!credential?.password_hash) {
        await service.hasher.verifyDummy(body.password);
        throw authErrors.AUTH_INVALID_CREDENTIALS();
      }
      if (!(await service.hasher.verify(credential.password_hash, body.password))) throw authErrors.AUTH_INVALID_CREDENTIALS();
    },

    async setUserRole({ params, body }, ctx) {
      const changed = await ctx.transaction(async (tx) => {
        const now = ctx.clock.now();
        const row = await tx.db
          .updateTable('credentials')
          .set({ role: body.role, updated_at: now })
          .where('user_id', '=', params.userId)
          .returning('user_id')
          .executeTakeFirst();
        if (!row) return false;
        // Existing sessions carry the old role; ending them makes the change take effect at once for refreshes.
        await revokeAllSessions(tx.db, params.userId, 'role-changed', now);
        await tx.publish({ type: eventTypes.auth.roleChanged, subject: params.userId, data: { userId: params.userId, role: body.role } });
        return true;
      });
      if (!changed) throw authErrors.AUTH_USER_NOT_FOUND();
      return { userId: params.userId, role: body.role };
    },
  };
}
