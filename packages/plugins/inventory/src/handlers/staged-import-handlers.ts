import { requireStore } from '@tokobapak/server';
import { abandonProductImport, addProductImportRows, commitProductImport, createProductImport, getProductImport } from '../staged-imports.js';
import type { InventoryHandlers } from './types.js';

/** Staged imports: rows sent in batches, applied together by the commit. */
export function stagedImportHandlers(): Pick<
  InventoryHandlers,
  'createProductImport' | 'getProductImport' | 'abandonProductImport' | 'addProductImportRows' | 'commitProductImport'
> {
  return {
    async createProductImport(_request, ctx) {
      return createProductImport(ctx.db, requireStore(ctx.caller).storeId, ctx.clock.now());
    },

    async getProductImport({ params }, ctx) {
      return getProductImport(ctx.db, requireStore(ctx.caller).storeId, params.importId, ctx.clock.now());
    },

    async abandonProductImport({ params }, ctx) {
      await abandonProductImport(ctx.db, requireStore(ctx.caller).storeId, params.importId, ctx.clock.now());
    },

    async addProductImportRows({ params, body }, ctx) {
      return addProductImportRows(ctx, requireStore(ctx.caller).storeId, params.importId, body, ctx.clock.now());
    },

    async commitProductImport({ params, body }, ctx) {
      return commitProductImport(ctx, requireStore(ctx.caller).storeId, params.importId, body.mode ?? 'all-or-nothing', ctx.clock.now());
    },
  };
}
