import type { InventoryComponents, TokoBapakClient } from '@tokobapak/sdk';

/** A variant as inventory's `getVariants` answers it now. */
export type VariantSnapshot = InventoryComponents['schemas']['VariantSnapshot'];

/** `getVariants` takes at most this many ids per call. */
const LOOKUP_LIMIT = 100;

/**
 * The live snapshots of `variantIds`, by id (missing ids absent), in one call per hundred ids.
 * Never call it inside a transaction: the runtime refuses.
 */
export async function liveVariants(clients: TokoBapakClient, variantIds: readonly string[]): Promise<Map<string, VariantSnapshot>> {
  const unique = [...new Set(variantIds)];
  const found = new Map<string, VariantSnapshot>();
  for (let start = 0; start < unique.length; start += LOOKUP_LIMIT) {
    const { items } = await clients.inventory.getVariants({ body: { ids: unique.slice(start, start + LOOKUP_LIMIT) } });
    for (const item of items) found.set(item.variantId, item);
  }
  return found;
}
