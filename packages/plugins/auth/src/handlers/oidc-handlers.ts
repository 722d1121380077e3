import { redirect } from '@tokobapak/server';
import type { AuthService } from '../auth-service.js';
import { authErrors } from '../errors.js';
import { OidcClientError, randomCodeVerifier, randomNonce, randomState } from '../oidc/oidc-client.js';
import { normalizeEmail } from '../secrets.js';
import { startSession } from '../sessions.js';
import type { AuthHandlers } from './types.js';

const STATE_TTL_MS = 10 * 60 * 1000;

/** Sign-in with an OpenID Connect provider (authorization code + PKCE). */
export function oidcHandlers(service: AuthService): Pick<AuthHandlers, 'listOidcProviders' | 'startOidcLogin' | 'completeOidcLogin'> {
  const clientFor = (providerId: string) => {
    const client = service.oidc.get(providerId);
    if (!client) throw authErrors.AUTH_OIDC_PROVIDER_NOT_FOUND(`No identity provider "${providerId}" is configured`);
    return client;
  };
  const callbackUrl = (publicUrl: string, providerId: string) => `${publicUrl}/auth/oidc/${providerId}/callback`;

  return {
    async listOidcProviders() {
      return { items: [...service.oidc.values()].map((client) => ({ id: client.provider.id, name: client.provider.name })) };
    },

    async startOidcLogin({ params, query }, ctx) {
      const client = clientFor(params.providerId);
      const state = randomState();
      const nonce = randomNonce();
      const codeVerifier = randomCodeVerifier();
      const now = ctx.clock.now();
      await ctx.db
        .insertInto('oidc_states')
        .values({
          state,
          provider_id: client.provider.id,
          nonce,
          code_verifier: codeVerifier,
          redirect_uri: query.redirectUri ?? null,
          created_at: now,
          expires_at: new Date(now.getTime() + STATE_TTL_MS),
        })
        .execute();
      const url = await client.authorizationUrl({ redirectUri: callbackUrl(ctx.publicUrl, client.provider.id), state, nonce, codeVerifier }).catch(toProblem);
      return redirect(url.toString());
    },

    async completeOidcLogin({ params, query }, ctx) {
      const client = clientFor(params.providerId);
      // Deleting the state is what makes a callback single-use, even when replayed concurrently.
      const attempt = await ctx.db
        .deleteFrom('oidc_states')
        .where('state', '=', query.state)
        .where('provider_id', '=', client.provider.id)
        .returningAll()
        .executeTakeFirst();
      if (!attempt || new Date(attempt.expires_at) <= ctx.clock.now()) throw authErrors.AUTH_OIDC_STATE_INVALID();

      const redirectUri = callbackUrl(ctx.publicUrl, client.provider.id);
      const currentUrl = new URL(redirectUri);
      for (const [name, value] of Object.entries(query)) if (typeof value === 'string') currentUrl.searchParams.set(name, value);
      const identity = await client
        .exchangeCode({ currentUrl, redirectUri, expectedState: attempt.state, expectedNonce: attempt.nonce, codeVerifier: attempt.code_verifier })
        .catch(toProblem);

      const linked = await ctx.db
        .selectFrom('identities')
        .select('user_id')
        .where('provider_id', '=', client.provider.id)
        .where('subject', '=', identity.subject)
        .executeTakeFirst();
      let userId = linked?.user_id;
      if (!userId) {
        if (!identity.email) throw authErrors.AUTH_OIDC_EMAIL_MISSING();
        const email = normalizeEmail(identity.email);
        // The user service links to an existing account only when the provider vouches for the email.
        const provisioned = await ctx.clients.user
          .provisionUser({ body: { email, name: identity.name ?? email.split('@')[0] ?? email, emailVerified: identity.emailVerified } })
          .catch((error: { status?: number }) => {
            throw error.status === 409 ? authErrors.AUTH_OIDC_ACCOUNT_CONFLICT() : error;
          });
        userId = provisioned.user.id;
        const role = service.adminEmails.has(email) ? 'admin' : 'customer';
        const newUserId = userId;
        await ctx.transaction(async (tx) => {
          await tx.db
            .insertInto('credentials')
            .values({ user_id: newUserId, email, password_hash: null, role })
            .onConflict((conflict) => conflict.doNothing())
            .execute();
          await tx.db
            .insertInto('identities')
            .values({ provider_id: client.provider.id, subject: identity.subject, user_id: newUserId, email })
            .onConflict((conflict) => conflict.doNothing())
            .execute();
        });
      }
      const credential = await ctx.db.selectFrom('credentials').select('role').where('user_id', '=', userId).executeTakeFirst();
      if (!credential) throw authErrors.AUTH_USER_NOT_FOUND();
      const pair = await startSession(ctx.db, service.session(ctx), { userId, role: credential.role });
      return { ...pair, redirectUri: attempt.redirect_uri };
    },
  };
}

function toProblem(error: unknown): never {
  if (error instanceof OidcClientError) {
    switch (error.reason) {
      case 'unavailable':
        throw authErrors.AUTH_OIDC_UNAVAILABLE(error.message);
      case 'denied':
        throw authErrors.AUTH_OIDC_DENIED(error.message);
      case 'state_mismatch':
        throw authErrors.AUTH_OIDC_STATE_INVALID(error.message);
      default:
        throw authErrors.AUTH_OIDC_CODE_INVALID(error.message);
    }
  }
  throw error;
}
