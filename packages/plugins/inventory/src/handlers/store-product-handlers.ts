import { requireStore } from '@tokobapak/server';
import { exportProducts, importProducts } from '../import.js';
import { toVariant } from '../mappers.js';
import { archiveProduct, createProduct, getStoreProduct, listStoreProducts, setVariantStock, updateProduct } from '../products.js';
import type { InventoryHandlers } from './types.js';

/** A merchant's own products: every query is scoped to the store of the credential. */
export function storeProductHandlers(): Pick<
  InventoryHandlers,
  'listStoreProducts' | 'createProduct' | 'getStoreProduct' | 'updateProduct' | 'archiveProduct' | 'setVariantStock' | 'importProducts' | 'exportProducts'
> {
  return {
    async listStoreProducts({ query }, ctx) {
      return listStoreProducts(ctx.db, requireStore(ctx.caller).storeId, query);
    },

    async createProduct({ body }, ctx) {
      return createProduct(ctx, requireStore(ctx.caller).storeId, body, ctx.clock.now());
    },

    async getStoreProduct({ params }, ctx) {
      return getStoreProduct(ctx.db, requireStore(ctx.caller).storeId, params.productId);
    },

    async updateProduct({ params, body }, ctx) {
      return updateProduct(ctx, requireStore(ctx.caller).storeId, params.productId, body, ctx.clock.now());
    },

    async archiveProduct({ params }, ctx) {
      return archiveProduct(ctx, requireStore(ctx.caller).storeId, params.productId, ctx.clock.now());
    },

    async setVariantStock({ params, body }, ctx) {
      return toVariant(await setVariantStock(ctx.transaction, requireStore(ctx.caller).storeId, params.variantId, body.stockOnHand, ctx.clock.now()));
    },

    async importProducts({ body }, ctx) {
      return importProducts(ctx, requireStore(ctx.caller).storeId, body, ctx.clock.now());
    },

    async exportProducts({ query }, ctx) {
      return exportProducts(ctx.db, requireStore(ctx.caller).storeId, query);
    },
  };
}
