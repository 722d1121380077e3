import { newId, queryTemplate, type StoreRole, type TokenService } from '@tokobapak/server';
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
  return tokenPair(settings, user, familyId, store, refreshToken);
}

/** The answer for a refresh token whose row is stored: a fresh access token beside it. */
function tokenPair(
  settings: SessionSettings,
  user: { userId: string; role: 'customer' | 'admin' },
  familyId: string,
  store: SessionStore | undefined,
  refreshToken: string,
): TokenPair {
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
 *
 * The common case — a valid, unspent token of a session without a store — is one statement
 * ({@link spendAndReissue}). Only when that finds nothing does the token get looked up, to tell a
 * store session (which re-checks the membership first), a reused token and an invalid one apart.
 */
export async function rotateRefreshToken(
  db: Db,
  settings: SessionSettings,
  refreshToken: string,
  /** For store sessions: confirms the membership (another service's answer, so asked outside any transaction). */
  confirmStore: (storeId: string, userId: string) => Promise<StoreRole>,
): Promise<TokenPair> {
  const tokenHash = hashSecret(refreshToken);
  const now = settings.now();
  const pair = await spendAndReissue(db, settings, tokenHash, now, undefined);
  if (pair) return pair;

  let known = await findToken(db, tokenHash);
  if (known?.store_id) {
    // The membership is confirmed for any token of a store session, whatever its state, so a
    // removed member or a suspended store hears so (403) even when an event already revoked it.
    let store: SessionStore;
    try {
      store = { storeId: known.store_id, storeRole: await confirmStore(known.store_id, known.user_id) };
    } catch (error) {
      await revokeFamily(db, known.family_id, 'store-access-ended', settings.now());
      throw error;
    }
    const storePair = await spendAndReissue(db, settings, tokenHash, settings.now(), store);
    if (storePair) return storePair;
    known = await findToken(db, tokenHash);
  }
  if (known?.rotated_at && !known.revoked_at) {
    await revokeFamily(db, known.family_id, 'reuse-detected', settings.now());
    throw authErrors.AUTH_REFRESH_TOKEN_REUSED();
  }
  // Unknown, expired, revoked, or its account is gone.
  throw authErrors.AUTH_REFRESH_TOKEN_INVALID();
}

/**
 * One data-modifying statement: spends the token (the conditional `UPDATE` is the claim — of many
 * concurrent refreshes with one token, one matches and the others, after waiting on its row lock,
 * match nothing), reads the account's role, and inserts the successor in the same family. A single
 * statement is atomic, so it needs no transaction. Returns nothing, and changes nothing, unless the
 * token is unspent, unrevoked, unexpired, of the given store (or of none) and its account exists.
 */
async function spendAndReissue(
  db: Db,
  settings: SessionSettings,
  tokenHash: string,
  now: Date,
  store: SessionStore | undefined,
): Promise<TokenPair | undefined> {
  const refreshToken = randomSecret('rt');
  const values: SpendValues = {
    tokenHash,
    now,
    storeId: store?.storeId ?? null,
    storeRole: store?.storeRole ?? null,
    id: newId('rt'),
    newHash: hashSecret(refreshToken),
    expiresAt: new Date(now.getTime() + settings.refreshTokenTtlSeconds * 1000),
  };
  const rows = await spendStatement.execute(db, values);
  const issued = rows[0];
  if (!issued) return undefined;
  return tokenPair(settings, { userId: issued.user_id, role: issued.role }, issued.family_id, store, refreshToken);
}

interface SpendValues {
  tokenHash: string;
  now: Date;
  storeId: string | null;
  storeRole: StoreRole | null;
  id: string;
  newHash: string;
  expiresAt: Date;
}

interface SpentRow {
  family_id: string;
  user_id: string;
  role: 'customer' | 'admin';
}

// Building and compiling this statement with Kysely on every refresh was the largest JavaScript
// cost of a refresh in a CPU profile (see docs/performance.md): a query template compiles it once per
// shape (store session or not) and, on PostgreSQL, sends it as a named prepared statement.
const spendStatement = queryTemplate<AuthDatabase, SpendValues, SpentRow>({
  name: 'auth_refresh_spend',
  shape: (values) => (values.storeId === null ? 'account' : 'store'),
  build: (db, p, values) =>
    db
      .with('spent', (db) =>
        db
          .updateTable('refresh_tokens')
          .set({ rotated_at: p.now })
          .from('credentials')
          .whereRef('credentials.user_id', '=', 'refresh_tokens.user_id')
          .where('refresh_tokens.token_hash', '=', p.tokenHash)
          .where('refresh_tokens.rotated_at', 'is', null)
          .where('refresh_tokens.revoked_at', 'is', null)
          .where('refresh_tokens.expires_at', '>', p.now)
          .where((eb) => (values.storeId === null ? eb('refresh_tokens.store_id', 'is', null) : eb('refresh_tokens.store_id', '=', p.storeId)))
          .returning(['refresh_tokens.family_id', 'refresh_tokens.user_id', 'credentials.role']),
      )
      .with('issued', (db) =>
        db
          .insertInto('refresh_tokens')
          .columns(['id', 'family_id', 'user_id', 'token_hash', 'created_at', 'expires_at', 'store_id', 'store_role'])
          .expression((eb) =>
            eb
              .selectFrom('spent')
              .select((eb) => [
                eb.cast<string>(eb.val(p.id), 'text').as('id'),
                'spent.family_id',
                'spent.user_id',
                eb.cast<string>(eb.val(p.newHash), 'text').as('token_hash'),
                eb.cast<Date>(eb.val(p.now), 'timestamptz').as('created_at'),
                eb.cast<Date>(eb.val(p.expiresAt), 'timestamptz').as('expires_at'),
                eb.cast<string | null>(eb.val(p.storeId), 'text').as('store_id'),
                eb.cast<StoreRole | null>(eb.val(p.storeRole), 'text').as('store_role'),
              ]),
          )
          .returning('family_id'),
      )
      .selectFrom('spent')
      .innerJoin('issued', 'issued.family_id', 'spent.family_id')
      .select(['spent.family_id', 'spent.user_id', 'spent.role']),
});

/** What a refresh token's row says about it, for the paths other than a successful rotation. */
async function findToken(db: Db, tokenHash: string) {
  return db
    .selectFrom('refresh_tokens')
    .select(['family_id', 'user_id', 'store_id', 'rotated_at', 'revoked_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
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
