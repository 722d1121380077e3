import type { ApiKeyCaller, Caller, ServiceCaller, UserCaller } from './caller.js';
import { platformErrors } from './errors.js';

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

/** The user a call acts for: the signed-in person, or the owner of the API key. */
export function actingUserId(caller: Caller): string {
  if (caller.kind === 'user' || caller.kind === 'apiKey') return caller.userId;
  throw platformErrors.FORBIDDEN('This operation acts on behalf of a user');
}
