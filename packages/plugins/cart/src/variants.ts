import type { InventoryComponents } from '@tokobapak/sdk';
import { coalescedReader } from '@tokobapak/server';
import type { CartContext } from './context.js';

/** A variant as inventory has it now. */
export type Snapshot = InventoryComponents['schemas']['VariantSnapshot'];

/** inventory's `getVariants` reads at most this many ids per call. */
const LOOKUP_LIMIT = 100;

/**
 * The variants as inventory has them now, by id: one call for a cart of up to 100 lines (a merge
 * of two full carts takes two). Never call it inside a transaction.
 */
export function lookUpVariants(ctx: CartContext, variantIds: Iterable<string>): Promise<Map<string, Snapshot>> {
  return variantsOf(ctx.clients, variantIds);
}

async function variantsOf(clients: CartContext['clients'], variantIds: Iterable<string>): Promise<Map<string, Snapshot>> {
  const ids = [...new Set(variantIds)];
  const snapshots = new Map<string, Snapshot>();
  for (let start = 0; start < ids.length; start += LOOKUP_LIMIT) {
    const { items } = await clients.inventory.getVariants({ body: { ids: ids.slice(start, start + LOOKUP_LIMIT) } });
    for (const item of items) snapshots.set(item.variantId, item);
  }
  return snapshots;
}

const sharedLookups = new WeakMap<CartContext['clients'], (ids: Iterable<string>) => Promise<Map<string, Snapshot>>>();

/**
 * `lookUpVariants` shared by the cart reads that ask in the same turn of the event loop (see
 * `coalescedReader`): one `getVariants` call for all of them. Only outside a transaction.
 */
export function lookUpVariantsShared(ctx: CartContext, variantIds: Iterable<string>): Promise<Map<string, Snapshot>> {
  let lookUp = sharedLookups.get(ctx.clients);
  if (!lookUp) {
    const { clients } = ctx;
    lookUp = coalescedReader((ids) => variantsOf(clients, ids));
    sharedLookups.set(ctx.clients, lookUp);
  }
  return lookUp(variantIds);
}
