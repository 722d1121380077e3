import type { ApiKeyCaller, Caller, GuestCaller, StoreRole, UserCaller } from './caller.js';
import { ProblemError, platformErrors } from './errors.js';
import type { SecurityRequirement } from './spec-routes.js';
import type { TokenService } from './tokens.js';

/** Looks up a merchant API key (through the auth service); returns null when it is unknown or revoked. */
export type ApiKeyVerifier = (key: string) => Promise<Omit<ApiKeyCaller, 'kind'> | null>;

/** The credentials a request presented, header by header. */
export interface PresentedCredentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
  serviceCredential?: string | undefined;
}

/**
 * Establishes the caller for an operation from its security alternatives (any one may match).
 * Throws 401 when no alternative's credential is present or valid, 403 when a credential is valid
 * but lacks the role, scope or service the operation requires.
 */
export async function authenticate(
  requirements: SecurityRequirement[],
  credentials: PresentedCredentials,
  tokens: TokenService,
  verifyApiKey: ApiKeyVerifier,
): Promise<Caller> {
  const guest = guestCaller(requirements, credentials);
  if (guest) return guest;
  let refusal: ProblemError | undefined;
  let authenticationFailure: ProblemError | undefined;
  for (const requirement of requirements) {
    try {
      const caller = await establish(requirement, credentials, tokens, verifyApiKey);
      if (caller) {
        const denied = authorize(requirement, caller);
        if (!denied) return caller;
        refusal ??= denied;
      }
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      authenticationFailure ??= error;
    }
  }
  throw refusal ?? serviceOnlyRefusal(requirements, credentials, tokens) ?? authenticationFailure ?? platformErrors.UNAUTHENTICATED();
}

/**
 * The guest caller when the security alternatives settle it without checking anything: a public
 * operation (`security: []`), or one that admits `{}` (anyone without credentials) called with
 * none. A credential that is presented is still checked, so a bad or expired token is a 401, never
 * a silent downgrade to guest. Synchronous, so the HTTP route can settle a guest without a promise.
 */
export function guestCaller(requirements: SecurityRequirement[], credentials: PresentedCredentials): GuestCaller | undefined {
  if (requirements.length === 0) return { kind: 'guest' };
  const presented = Boolean(credentials.authorization || credentials.apiKey || credentials.serviceCredential);
  if (!presented && requirements.some((requirement) => requirement.scheme === 'anonymous')) return { kind: 'guest' };
  return undefined;
}

/**
 * A person's valid token or an API key sent to an operation that only services may call is not a
 * missing credential (401, "sign in again") but the wrong kind (403): say which kind and where to get it.
 */
function serviceOnlyRefusal(requirements: SecurityRequirement[], credentials: PresentedCredentials, tokens: TokenService): ProblemError | undefined {
  if (!requirements.every((requirement) => requirement.scheme === 'serviceAuth')) return undefined;
  if (credentials.serviceCredential) return undefined;
  const bearer = credentials.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const presentedUser = bearer !== undefined && isValidAccessToken(tokens, bearer);
  if (!presentedUser && !credentials.apiKey) return undefined;
  return platformErrors.SERVICE_CREDENTIAL_REQUIRED(
    'Only other services call this operation, with an X-Service-Credential header signed by the platform secret; an integrator mints one with `tokobapak service-token --service <name>` (see docs/security.md)',
  );
}

function isValidAccessToken(tokens: TokenService, token: string): boolean {
  try {
    tokens.verifyAccessToken(token);
    return true;
  } catch {
    return false;
  }
}

async function establish(
  requirement: SecurityRequirement,
  credentials: PresentedCredentials,
  tokens: TokenService,
  verifyApiKey: ApiKeyVerifier,
): Promise<Caller | undefined> {
  switch (requirement.scheme) {
    case 'bearerAuth': {
      const match = credentials.authorization?.match(/^Bearer\s+(\S+)$/i);
      return match?.[1] ? tokens.verifyAccessToken(match[1]) : undefined;
    }
    case 'serviceAuth':
      return credentials.serviceCredential ? tokens.verifyServiceToken(credentials.serviceCredential) : undefined;
    case 'anonymous':
      return undefined;
    case 'apiKeyAuth': {
      if (!credentials.apiKey) return undefined;
      const key = await verifyApiKey(credentials.apiKey);
      if (!key) throw platformErrors.UNAUTHENTICATED('The API key is not valid');
      return { kind: 'apiKey', ...key };
    }
  }
}

/**
 * Bearer scopes: a platform role (`admin`), `store` (a store session of any role) or
 * `store:<role>` (a store session with at least that role: owner > manager > staff).
 */
function userHas(caller: UserCaller, scope: string): boolean {
  if (scope === 'admin' || scope === 'customer') return caller.role === scope;
  if (scope === 'store') return caller.storeId !== null;
  const wanted = scope.startsWith('store:') ? scope.slice('store:'.length) : undefined;
  if (!wanted || !caller.storeRole) return false;
  return STORE_RANK[caller.storeRole] >= (STORE_RANK[wanted as StoreRole] ?? Number.POSITIVE_INFINITY);
}

const isStoreScope = (scope: string) => scope === 'store' || scope.startsWith('store:');

/** A person acting outside any store called a store operation: name the two ways in. */
export function storeContextRequired(): ProblemError {
  return platformErrors.STORE_CONTEXT_REQUIRED(
    "This operation acts inside a store, and this session is not in one: call auth.selectStore with the store's id (the SDK's client.actAsStore(storeId)) to get a store session, or use a store-scoped API key",
  );
}

const STORE_RANK: Record<StoreRole, number> = { staff: 1, manager: 2, owner: 3 };

function authorize(requirement: SecurityRequirement, caller: Caller): ProblemError | undefined {
  const needed = requirement.scopes;
  if (needed.length === 0) return undefined;
  switch (caller.kind) {
    case 'user':
      if (needed.some((scope) => userHas(caller, scope))) return undefined;
      if (caller.storeId === null && needed.every(isStoreScope)) return storeContextRequired();
      return platformErrors.FORBIDDEN(`This operation needs: ${needed.join(' or ')}`);
    case 'apiKey': {
      const missing = needed.filter((scope) => !caller.scopes.includes(scope));
      return missing.length === 0 ? undefined : platformErrors.INSUFFICIENT_SCOPE(`The API key lacks the scope: ${missing.join(', ')}`);
    }
    case 'service':
      return needed.includes(caller.service) ? undefined : platformErrors.FORBIDDEN(`Service ${caller.service} may not call this operation`);
    default:
      return platformErrors.UNAUTHENTICATED();
  }
}
