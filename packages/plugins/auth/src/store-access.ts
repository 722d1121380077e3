import type { HandlerContext, StoreRole } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';
import { authErrors } from './errors.js';

/**
 * The caller's role in a store, as the merchant service knows it. Refuses non-members and
 * suspended stores. Calls another service, so never use it inside a transaction.
 */
export async function storeRoleOf(ctx: HandlerContext<AuthDatabase>, storeId: string, userId: string): Promise<StoreRole> {
  try {
    const membership = await ctx.clients.merchant.getStoreMembership({ params: { storeId, userId } });
    if (membership.storeStatus !== 'active') throw authErrors.AUTH_STORE_ACCESS_DENIED('The store is suspended');
    return membership.role;
  } catch (error) {
    if ((error as { status?: number }).status === 404) throw authErrors.AUTH_STORE_ACCESS_DENIED('You are not a member of this store');
    throw error;
  }
}
