import type { ApiKeyCaller, Caller, ServiceCaller, StoreRole, UserCaller } from './caller.js';
import { platformErrors } from './errors.js';
import { storeContextRequired } from './security.js';

/** The signed-in person behind a call; refuses any other kind of caller. */
export function requireUser(caller: Caller): UserCaller {
  if (caller.kind !== 'user') throw platformErrors.FORBIDDEN('This operation needs a signed-in user');
  return caller;
}

/** The API key behind a call; refuses any other kind of caller. */
export function requireApiKey(caller: Caller): ApiKeyCaller {
  if (caller.kind !== 'apiKey') throw platformErrors.FORBIDDEN('This operation needs an API key');
  return caller;
}

/** The calling service; refuses any other kind of caller. */
export function requireService(caller: Caller): ServiceCaller {
  if (caller.kind !== 'service') throw platformErrors.FORBIDDEN('This operation is for other services only');
  return caller;
}

/** The store a merchant call acts in, and with what authority. */
export interface StoreContext {
  storeId: string;
  /** The person's role, or `apiKey` for a store-scoped key (its scopes were already checked). */
  role: StoreRole | 'apiKey';
  /** The person behind the call (the key's owner for API keys). */
  userId: string;
}

/**
 * The store a call acts in: a store session's store, or a store-scoped API key's store. Every
 * merchant operation starts here, so it can only ever touch its own store's rows.
 */
export function requireStore(caller: Caller): StoreContext {
  if (caller.kind === 'user' && caller.storeId && caller.storeRole) return { storeId: caller.storeId, role: caller.storeRole, userId: caller.userId };
  if (caller.kind === 'apiKey' && caller.storeId) return { storeId: caller.storeId, role: 'apiKey', userId: caller.userId };
  throw storeContextRequired();
}

/** The user a call acts for: the signed-in person, or the owner of the API key. */
export function actingUserId(caller: Caller): string {
  if (caller.kind === 'user' || caller.kind === 'apiKey') return caller.userId;
  throw platformErrors.FORBIDDEN('This operation acts on behalf of a user');
}
