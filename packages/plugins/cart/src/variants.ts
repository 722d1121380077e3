import type { InventoryComponents } from '@tokobapak/sdk';
import type { CartContext } from './context.js';

/** A variant as inventory has it now. */
export type Snapshot = InventoryComponents['schemas']['VariantSnapshot'];

/** inventory's `getVariants` reads at most this many ids per call. */
const LOOKUP_LIMIT = 100;

/**
 * The variants as inventory has them now, by id: one call for a cart of up to 100 lines (a merge
 * of two full carts takes two). Never call it inside a transaction.
 */
export async function lookUpVariants(ctx: CartContext, variantIds: Iterable<string>): Promise<Map<string, Snapshot>> {
  const ids = [...new Set(variantIds)];
  const snapshots = new Map<string, Snapshot>();
  for (let start = 0; start < ids.length; start += LOOKUP_LIMIT) {
    const { items } = await ctx.clients.inventory.getVariants({ body: { ids: ids.slice(start, start + LOOKUP_LIMIT) } });
    for (const item of items) snapshots.set(item.variantId, item);
  }
  return snapshots;
}
