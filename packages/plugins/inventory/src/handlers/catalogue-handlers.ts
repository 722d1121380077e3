import { getCatalogueProduct, listProducts } from '../catalogue.js';
import type { InventoryHandlers } from './types.js';

/** The public catalogue. */
export function catalogueHandlers(): Pick<InventoryHandlers, 'listProducts' | 'getProduct' | 'getProductByHandle'> {
  return {
    async listProducts({ query }, ctx) {
      return listProducts(ctx.db, query);
    },

    async getProduct({ params }, ctx) {
      return getCatalogueProduct(ctx.db, { id: params.productId });
    },

    async getProductByHandle({ params }, ctx) {
      return getCatalogueProduct(ctx.db, { storeId: params.storeId, handle: params.handle });
    },
  };
}
