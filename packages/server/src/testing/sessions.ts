import type { TokoBapakClient } from '@tokobapak/sdk';
import type { StoreRole } from '../caller.js';
import type { TokoBapakServer } from '../create-server.js';
import { newId } from '../ids.js';

// Sessions are signed directly: the runtime checks the token's signature only, so a test needs no
// auth service to act as a user in a store.
const SESSION_ID = `ses_${'0'.repeat(26)}`;

/**
 * An access token for a store session: a customer `userId` (default: a new id) acting in
 * `storeId` as `role` (default owner).
 *
 * @example
 * const headers = { authorization: `Bearer ${storeToken(server, storeId)}` };
 */
export function storeToken(server: Pick<TokoBapakServer, 'tokens'>, storeId: string, role: StoreRole = 'owner', userId: string = newId('usr')): string {
  return server.tokens.signAccessToken({ userId, role: 'customer', sessionId: SESSION_ID, storeId, storeRole: role });
}

/**
 * An in-process client holding a store session (see {@link storeToken}); `storeId` defaults to a
 * new store id.
 *
 * @example
 * const merchant = storeSession(server, storeId, 'manager');
 * await merchant.inventory.createProduct({ body });
 */
export function storeSession(
  server: Pick<TokoBapakServer, 'tokens' | 'client'>,
  storeId: string = newId('sto'),
  role: StoreRole = 'owner',
  userId: string = newId('usr'),
): TokoBapakClient {
  return server.client({ accessToken: storeToken(server, storeId, role, userId) });
}

/**
 * An in-process client calling as another TokoBapak service (a fresh service credential per call).
 *
 * @example
 * await serviceClient(server, 'order').inventory.reserveStock({ body });
 */
export function serviceClient(server: Pick<TokoBapakServer, 'tokens' | 'client'>, service: string): TokoBapakClient {
  return server.client({ serviceCredential: () => server.tokens.signServiceToken(service) });
}

/**
 * An access token for a signed-in customer (`userId` default: a new id), outside any store.
 *
 * @example
 * const headers = { authorization: `Bearer ${customerToken(server, userId)}` };
 */
export function customerToken(server: Pick<TokoBapakServer, 'tokens'>, userId: string = newId('usr')): string {
  return server.tokens.signAccessToken({ userId, role: 'customer', sessionId: SESSION_ID, storeId: null, storeRole: null });
}

/**
 * An in-process client holding a customer's session (see {@link customerToken}).
 *
 * @example
 * const shopper = customerSession(server);
 * await shopper.cart.createCart({ body: {} });
 */
export function customerSession(server: Pick<TokoBapakServer, 'tokens' | 'client'>, userId: string = newId('usr')): TokoBapakClient {
  return server.client({ accessToken: customerToken(server, userId) });
}
