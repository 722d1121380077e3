import type { HandlerContext, StoreRole } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';
import { authErrors } from './errors.js';
import type { AuthEvents } from './generated/manifest.js';

/** A person's membership of a store as the merchant service knows it now. */
export interface StoreMembership {
  role: StoreRole;
  storeStatus: string;
}

/**
 * The person's membership of a store, or null when they are not a member. Calls another service,
 * so never use it inside a transaction.
 */
export async function membershipIn(ctx: Pick<HandlerContext<AuthDatabase>, 'clients'>, storeId: string, userId: string): Promise<StoreMembership | null> {
  try {
    const membership = await ctx.clients.merchant.getStoreMembership({ params: { storeId, userId } });
    return { role: membership.role, storeStatus: membership.storeStatus };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/**
 * The caller's role in a store, as the merchant service knows it. Refuses non-members and
 * suspended stores. Calls another service, so never use it inside a transaction.
 */
export async function storeRoleOf(ctx: HandlerContext<AuthDatabase, AuthEvents>, storeId: string, userId: string): Promise<StoreRole> {
  const membership = await membershipIn(ctx, storeId, userId);
  if (!membership) throw authErrors.AUTH_STORE_ACCESS_DENIED('You are not a member of this store');
  if (membership.storeStatus !== 'active') throw authErrors.AUTH_STORE_ACCESS_DENIED('The store is suspended');
  return membership.role;
}

/** A store key acts for the store: only those who run it (the owner and managers) may hold one. */
export function mayHoldStoreKeys(role: StoreRole | undefined): boolean {
  return role === 'owner' || role === 'manager';
}
