import { type TokoBapakClient, TokoBapakError } from '@tokobapak/sdk';
import { promotedItemErrors } from './errors.js';
import type { Owner } from './slots.js';

// A slot holds another service's id as a plain column (no foreign key across services), so what
// it points at is checked with that service when the slot is created or repointed.

/** The services a slot's references are checked with (`ctx.clients`). */
export type ReferenceClients = Pick<TokoBapakClient, 'imageProxy' | 'inventory'>;

/**
 * Refuses a banner image that image-proxy does not know or, for a store slot, that another store
 * uploaded. Call it outside any transaction. When image-proxy cannot be reached the call fails
 * (503 `SERVICE_UNAVAILABLE`): an unchecked image is never stored.
 */
export async function checkBannerImage(clients: ReferenceClients, owner: Owner, imageId: string): Promise<void> {
  const image = await found(clients.imageProxy.getImage({ params: { imageId } }));
  if (!image || (owner.scope === 'store' && image.storeId !== owner.storeId)) {
    throw promotedItemErrors.PROMOTED_ITEM_IMAGE_NOT_FOUND(`No image ${imageId}${owner.scope === 'store' ? ' in this store' : ''}`);
  }
}

/**
 * Refuses a product that inventory does not list as active or, for a store slot, that belongs to
 * another store. Call it outside any transaction. When inventory cannot be reached the call fails
 * (503 `SERVICE_UNAVAILABLE`): an unchecked product is never stored.
 */
export async function checkPromotedProduct(clients: ReferenceClients, owner: Owner, productId: string): Promise<void> {
  const product = await found(clients.inventory.getProduct({ params: { productId } }));
  if (product?.status !== 'active' || (owner.scope === 'store' && product.storeId !== owner.storeId)) {
    throw promotedItemErrors.PROMOTED_ITEM_PRODUCT_NOT_FOUND(`No active product ${productId}${owner.scope === 'store' ? ' in this store' : ''}`);
  }
}

/**
 * The answer of a lookup, or `undefined` when the other service says there is no such thing (404,
 * or 400 for an id it cannot even parse). Anything else is thrown on: the runtime turns the other
 * service's 5xx, or its absence, into 503.
 */
async function found<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof TokoBapakError && (error.status === 404 || error.status === 400)) return undefined;
    throw error;
  }
}
