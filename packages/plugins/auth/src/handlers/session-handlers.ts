import { requireUser } from '@tokobapak/server';
import type { AuthService } from '../auth-service.js';
import { authErrors } from '../errors.js';
import { normalizeEmail } from '../secrets.js';
import { revokeFamily, rotateRefreshToken, startSession } from '../sessions.js';
import { storeRoleOf } from '../store-access.js';
import { clearAttempts, recordAttempt } from '../throttle.js';
import type { AuthHandlers } from './types.js';

/** Sign-in, token refresh and sign-out. */
export function sessionHandlers(service: AuthService): Pick<AuthHandlers, 'login' | 'refreshToken' | 'selectStore' | 'logout'> {
  return {
    async login({ body }, ctx) {
      const email = normalizeEmail(body.email);
      await recordAttempt(ctx.db, service.throttle, email, ctx.ip, ctx.clock.now());
      const credential = await ctx.db.selectFrom('credentials').select(['user_id', 'password_hash', 'role']).where('email', '=', email).executeTakeFirst();
      if (!credential?.password_hash) {
        await service.hasher.verifyDummy(body.password);
        throw authErrors.AUTH_INVALID_CREDENTIALS();
      }
      if (!(await service.hasher.verify(credential.password_hash, body.password))) throw authErrors.AUTH_INVALID_CREDENTIALS();
      await clearAttempts(ctx.db, email);
      return startSession(ctx.db, service.session(ctx), { userId: credential.user_id, role: credential.role });
    },

    async refreshToken({ body }, ctx) {
      return rotateRefreshToken(ctx.db, service.session(ctx), body.refreshToken, (storeId, userId) => storeRoleOf(ctx, storeId, userId));
    },

    async selectStore({ body }, ctx) {
      const { userId } = requireUser(ctx.caller);
      const storeRole = await storeRoleOf(ctx, body.storeId, userId);
      const credential = await ctx.db.selectFrom('credentials').select('role').where('user_id', '=', userId).executeTakeFirst();
      if (!credential) throw authErrors.AUTH_USER_NOT_FOUND();
      return startSession(ctx.db, service.session(ctx), { userId, role: credential.role }, { storeId: body.storeId, storeRole });
    },

    async logout(_request, ctx) {
      await revokeFamily(ctx.db, requireUser(ctx.caller).sessionId, 'logout', ctx.clock.now());
    },
  };
}
