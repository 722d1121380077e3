import { newId, type StoreRole, type TokenService } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from './database.js';
import { authErrors } from './errors.js';
import { hashSecret, randomSecret } from './secrets.js';

/** What a successful sign-in or refresh returns (the `TokenPair` schema). */
export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  userId: string;
  sessionId: string;
  storeId?: string;
  storeRole?: StoreRole;
}

/** The store a session acts in. */
export interface SessionStore {
  storeId: string;
  storeRole: StoreRole;
}

/** Lifetimes and signing used when issuing tokens. */
export interface SessionSettings {
  tokens: TokenService;
  refreshTokenTtlSeconds: number;
  now: () => Date;
}

type Db = Kysely<AuthDatabase>;

/** Starts a new session (refresh-token family) for a user, optionally inside a store, and returns its first token pair. */
export async function startSession(
  db: Db,
  settings: SessionSettings,
  user: { userId: string; role: 'customer' | 'admin' },
  store?: SessionStore,
): Promise<TokenPair> {
  return issuePair(db, settings, user, newId('ses'), store);
}

async function issuePair(
  db: Db,
  settings: SessionSettings,
  user: { userId: string; role: 'customer' | 'admin' },
  familyId: string,
  store: SessionStore | undefined,
): Promise<TokenPair> {
  const refreshToken = randomSecret('rt');
  const now = settings.now();
  await db
    .insertInto('refresh_tokens')
    .values({
      id: newId('rt'),
      family_id: familyId,
      user_id: user.userId,
      token_hash: hashSecret(refreshToken),
      created_at: now,
      expires_at: new Date(now.getTime() + settings.refreshTokenTtlSeconds * 1000),
      store_id: store?.storeId ?? null,
      store_role: store?.storeRole ?? null,
    })
    .execute();
  return {
    tokenType: 'Bearer',
    accessToken: settings.tokens.signAccessToken({
      userId: user.userId,
      role: user.role,
      sessionId: familyId,
      storeId: store?.storeId ?? null,
      storeRole: store?.storeRole ?? null,
    }),
    expiresIn: settings.tokens.accessTokenTtl,
    refreshToken,
    refreshExpiresIn: settings.refreshTokenTtlSeconds,
    userId: user.userId,
    sessionId: familyId,
    ...(store ? { storeId: store.storeId, storeRole: store.storeRole } : {}),
  };
}

/**
 * Rotates a refresh token: the presented token is spent and a new one of the same family issued.
 * Presenting a token that was already rotated means it was copied: the whole family is revoked
 * (committed before the error is raised), so neither the thief nor the owner can go on with it.
 */
export async function rotateRefreshToken(
  db: Db,
  transaction: <T>(fn: (db: Db) => Promise<T>) => Promise<T>,
  settings: SessionSettings,
  refreshToken: string,
  /** For store sessions: confirms the membership (another service's answer, so asked before the transaction). */
  confirmStore: (storeId: string, userId: string) => Promise<StoreRole>,
): Promise<TokenPair> {
  const tokenHash = hashSecret(refreshToken);
  const family = await db.selectFrom('refresh_tokens').select(['family_id', 'user_id', 'store_id']).where('token_hash', '=', tokenHash).executeTakeFirst();
  let store: SessionStore | undefined;
  if (family?.store_id) {
    try {
      store = { storeId: family.store_id, storeRole: await confirmStore(family.store_id, family.user_id) };
    } catch (error) {
      await revokeFamily(db, family.family_id, 'store-access-ended', settings.now());
      throw error;
    }
  }
  const outcome = await transaction(async (db) => {
    const now = settings.now();
    // The conditional update is the claim: of many concurrent refreshes with one token, one wins.
    const spent = await db
      .updateTable('refresh_tokens')
      .set({ rotated_at: now })
      .where('token_hash', '=', tokenHash)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['family_id', 'user_id'])
      .executeTakeFirst();
    if (spent) {
      const credential = await db.selectFrom('credentials').select('role').where('user_id', '=', spent.user_id).executeTakeFirst();
      if (!credential) return { kind: 'invalid' as const };
      return { kind: 'ok' as const, pair: await issuePair(db, settings, { userId: spent.user_id, role: credential.role }, spent.family_id, store) };
    }
    const known = await db
      .selectFrom('refresh_tokens')
      .select(['family_id', 'rotated_at', 'revoked_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (known?.rotated_at && !known.revoked_at) {
      await revokeFamily(db, known.family_id, 'reuse-detected', now);
      return { kind: 'reused' as const };
    }
    return { kind: 'invalid' as const };
  });
  if (outcome.kind === 'reused') throw authErrors.AUTH_REFRESH_TOKEN_REUSED();
  if (outcome.kind === 'invalid') throw authErrors.AUTH_REFRESH_TOKEN_INVALID();
  return outcome.pair;
}

/** Revokes one session (every token of the family). */
export async function revokeFamily(db: Db, familyId: string, reason: string, now: Date): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every session of a user (password change or reset, role change). */
export async function revokeAllSessions(db: Db, userId: string, reason: string, now: Date): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
