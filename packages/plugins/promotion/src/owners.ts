import { type Caller, platformErrors, requireStore } from '@tokobapak/server';
import type { PromotionScope } from './database.js';

/** Who a promotion belongs to; every management query filters by it. */
export type Owner = { scope: 'platform'; storeId: null } | { scope: 'store'; storeId: string };

/** The marketplace's own promotions. */
export const PLATFORM: Owner = { scope: 'platform', storeId: null };

/**
 * The owner a platform operation acts for. The spec already admits admins only; this repeats the
 * check so that a handler wired to the wrong security rule fails closed.
 */
export function platformOwner(caller: Caller): Owner {
  if (caller.kind !== 'user' || caller.role !== 'admin') throw platformErrors.FORBIDDEN('Platform promotions are managed by admins');
  return PLATFORM;
}

/** The owner a merchant operation acts for: the store of the credential, never one named in the request. */
export function callerStoreOwner(caller: Caller): Owner {
  return { scope: 'store', storeId: requireStore(caller).storeId };
}

/** The scope column values of an owner. */
export function ownerColumns(owner: Owner): { scope: PromotionScope; store_id: string | null } {
  return { scope: owner.scope, store_id: owner.storeId };
}
