import { createSigner, createVerifier } from 'fast-jwt';
import type { ServiceCaller, StoreRole, UserCaller, UserRole } from './caller.js';
import { platformErrors } from './errors.js';

/** Claims an access token carries. */
export interface AccessClaims {
  userId: string;
  role: UserRole;
  sessionId: string;
  /** Set for store sessions: the store the token acts in and the holder's role there. */
  storeId?: string | null;
  storeRole?: StoreRole | null;
}

const STORE_ROLES: ReadonlySet<unknown> = new Set(['owner', 'manager', 'staff']);

/** Signs and verifies the platform's access tokens and service credentials. */
export interface TokenService {
  /** Lifetime of an access token, in seconds. */
  readonly accessTokenTtl: number;
  signAccessToken(claims: AccessClaims): string;
  verifyAccessToken(token: string): UserCaller;
  signServiceToken(service: string): string;
  verifyServiceToken(token: string): ServiceCaller;
}

/** Options for {@link createTokenService}. */
export interface TokenServiceOptions {
  /** The platform secret (at least 32 bytes of entropy); every process of one store shares it. */
  secret: string;
  accessTokenTtl?: number;
  now?: () => number;
}

const ISSUER = 'tokobapak';

/** How many verified access tokens a process keeps (about 5 MB at most). */
const MAX_VERIFIED_ACCESS_TOKENS = 10_000;

/**
 * HS256 tokens via fast-jwt. Access tokens are verified without a database round trip, which is
 * why they are short-lived; refresh tokens (owned by the auth service) carry revocation.
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const accessTokenTtl = options.accessTokenTtl ?? 900;
  const clock = options.now ?? Date.now;
  // Separate keys per purpose so a service credential can never pass as an access token.
  const accessKey = `${options.secret}:access`;
  const serviceKey = `${options.secret}:service`;
  const verifyAccess = createVerifier({
    key: accessKey,
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: 'access',
    // A token without `exp` would be valid forever; every token this service signs has one.
    requiredClaims: ['exp'],
    // Verified tokens are kept below by their text: fast-jwt's cache would hash every token it is
    // handed (a SHA-256 of the whole token and a decode of its header), which cost more than the
    // signature check it saves.
    cache: false,
    clockTimestamp: undefined,
  });
  // One signer for every access token. The signer never reads a clock: `iat` and `exp` are put in
  // the payload from the injected clock (fast-jwt uses a payload's `iat` and, with no `expiresIn`,
  // its `exp`). Not `noTimestamp: true`: with it fast-jwt drops the payload's `iat` as well.
  const signAccess = createSigner({ key: accessKey, algorithm: 'HS256', iss: ISSUER, aud: 'access' });
  const signService = createSigner({ key: serviceKey, algorithm: 'HS256', iss: ISSUER, aud: 'service', expiresIn: 3600_000 });
  const verifyService = createVerifier({
    key: serviceKey,
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: 'service',
  });
  // Every call between services presents one of a handful of credentials, and fast-jwt's own cache
  // hashes the token on every hit (5 µs, twice per cart request): verified ones are kept by their
  // text until they expire. Bounded, as a caller could present many different valid credentials.
  const verifiedServices = new Map<string, { service: string; expiresAt: number }>();
  // Access tokens verified, by their text, with their expiry: a shopper's app sends the same token
  // with every request of a session. The oldest goes first once the map is full.
  const verifiedAccess = new Map<string, { caller: UserCaller; exp: number }>();

  return {
    accessTokenTtl,
    signAccessToken(claims) {
      const now = clock();
      return signAccess({
        sub: claims.userId,
        role: claims.role,
        sid: claims.sessionId,
        ...(claims.storeId ? { st: claims.storeId, sr: claims.storeRole } : {}),
        iat: Math.floor(now / 1000),
        exp: Math.floor((now + accessTokenTtl * 1000) / 1000),
      });
    },
    verifyAccessToken(token) {
      const known = verifiedAccess.get(token);
      if (known) {
        if (known.exp * 1000 <= clock()) throw platformErrors.TOKEN_EXPIRED();
        return { ...known.caller };
      }
      let payload: { sub?: unknown; role?: unknown; sid?: unknown; st?: unknown; sr?: unknown; exp?: number };
      try {
        payload = verifyAccess(token);
      } catch (error) {
        if ((error as { code?: string }).code === 'FAST_JWT_EXPIRED') throw platformErrors.TOKEN_EXPIRED();
        throw platformErrors.UNAUTHENTICATED('The access token is not valid');
      }
      if (typeof payload.exp !== 'number') throw platformErrors.UNAUTHENTICATED('The access token has no expiry');
      if (payload.exp * 1000 <= clock()) throw platformErrors.TOKEN_EXPIRED();
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || (payload.role !== 'customer' && payload.role !== 'admin')) {
        throw platformErrors.UNAUTHENTICATED('The access token is not valid');
      }
      const storeId = typeof payload.st === 'string' ? payload.st : null;
      if (storeId && !STORE_ROLES.has(payload.sr)) throw platformErrors.UNAUTHENTICATED('The access token is not valid');
      const caller: UserCaller = {
        kind: 'user',
        userId: payload.sub,
        role: payload.role,
        sessionId: payload.sid,
        storeId,
        storeRole: storeId ? (payload.sr as StoreRole) : null,
      };
      if (verifiedAccess.size >= MAX_VERIFIED_ACCESS_TOKENS) verifiedAccess.delete(verifiedAccess.keys().next().value as string);
      verifiedAccess.set(token, { caller, exp: payload.exp });
      return { ...caller };
    },
    signServiceToken(service) {
      return signService({ svc: service });
    },
    verifyServiceToken(token) {
      const known = verifiedServices.get(token);
      // fast-jwt checks `exp` against Date.now() too, with no tolerance.
      if (known && known.expiresAt > Date.now()) return { kind: 'service', service: known.service };
      let service: string;
      try {
        const payload = verifyService(token) as { svc?: unknown; exp?: unknown };
        if (typeof payload.svc !== 'string') throw new Error('no service');
        service = payload.svc;
        if (typeof payload.exp === 'number') {
          if (verifiedServices.size >= 1_000) verifiedServices.clear();
          verifiedServices.set(token, { service, expiresAt: payload.exp * 1000 });
        }
      } catch {
        verifiedServices.delete(token);
        throw platformErrors.UNAUTHENTICATED('The service credential is not valid');
      }
      return { kind: 'service', service };
    },
  };
}
