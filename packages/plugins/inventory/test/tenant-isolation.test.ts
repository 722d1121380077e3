import { readOperations } from '@tokobapak/server';
import type { TestServer } from '@tokobapak/server/testing';
import { storeSession, storeToken } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inventoryPlugin } from '../src/index.js';
import { type MerchantEvents, newStoreId, productInput, type Schemas, startServer } from './support.js';

// Every merchant operation that changes something is enumerated from the spec, so a new one cannot escape.
const operations = readOperations('inventory', inventoryPlugin().spec);
const mutating = operations.filter((operation) => operation.method !== 'GET' && operation.security.some((requirement) => requirement.scopes.includes('store')));

let server: TestServer & { merchant: MerchantEvents };
let product: Schemas['Product'];
let staged: Schemas['ProductImport'];
const storeA = newStoreId();

beforeAll(async () => {
  server = await startServer();
  const merchant = storeSession(server, storeA);
  product = await merchant.inventory.createProduct({ body: productInput() });
  staged = await merchant.inventory.createProductImport();
  await merchant.inventory.addProductImportRows({ params: { importId: staged.importId }, body: { rows: [productInput()], offset: 0 } });
});
afterAll(async () => {
  await server?.close();
});

/** A request body for each operation that names store A's product by its handle or SKU, where the body can. */
function bodyFor(operationId: string): unknown {
  switch (operationId) {
    case 'setVariantStock':
      return { stockOnHand: 0 };
    case 'updateProduct':
      return { title: 'Diambil alih' };
    case 'addProductImportRows':
      return { rows: [productInput()], offset: 1 };
    case 'commitProductImport':
      return { mode: 'valid-only' };
    case 'createProduct':
    case 'importProducts':
      return undefined;
    default:
      return undefined;
  }
}

describe("store B cannot touch store A's products", () => {
  test('the sweep covers the mutating operations', () => {
    expect(mutating.map((operation) => operation.operationId).sort()).toEqual(
      [
        'abandonProductImport',
        'addProductImportRows',
        'archiveProduct',
        'commitProductImport',
        'createProduct',
        'createProductImport',
        'importProducts',
        'setVariantStock',
        'updateProduct',
      ].sort(),
    );
  });

  test.each(mutating.filter((operation) => operation.path.includes('{')).map((operation) => [operation.operationId, operation] as const))(
    '%s answers 404 and changes nothing',
    async (_name, operation) => {
      const url = operation.path
        .replace('{productId}', product.id)
        .replace('{variantId}', product.variants[0]?.id as string)
        .replace('{importId}', staged.importId);
      const accessToken = storeToken(server, newStoreId());
      const body = bodyFor(operation.operationId);
      const response = await server.app.inject({
        method: operation.method as 'POST',
        url,
        headers: { authorization: `Bearer ${accessToken}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      expect(response.statusCode, response.body).toBe(404);
      expect(JSON.parse(response.body).code).toMatch(/^INVENTORY_(PRODUCT|VARIANT|IMPORT)_NOT_FOUND$/);
      const merchant = storeSession(server, storeA);
      expect(await merchant.inventory.getStoreProduct({ params: { productId: product.id } })).toEqual(product);
      expect(await merchant.inventory.getProductImport({ params: { importId: staged.importId } })).toMatchObject({ status: 'open', rows: 1, rejected: 0 });
    },
  );

  test('creating or importing with store A’s handle and SKUs makes store B its own product', async () => {
    const storeB = storeSession(server);
    const input = productInput({
      handle: product.handle,
      variants: productInput().variants.map((variant, i) => ({ ...variant, sku: product.variants[i]?.sku as string })),
    });
    const created = await storeB.inventory.createProduct({ body: input });
    expect(created.id).not.toBe(product.id);
    const imported = await storeB.inventory.importProducts({ body: { rows: [{ ...input, title: 'Bukan punyamu' }] } });
    expect(imported).toEqual({ created: 0, updated: 1, rejected: [] });
    expect(await storeSession(server, storeA).inventory.getStoreProduct({ params: { productId: product.id } })).toEqual(product);
  });

  test("store B's reads miss store A's product too", async () => {
    const storeB = storeSession(server);
    const response = await storeB.inventory.getStoreProduct({ params: { productId: product.id } }).catch((error: unknown) => error);
    expect(response).toMatchObject({ status: 404, code: 'INVENTORY_PRODUCT_NOT_FOUND' });
    expect((await storeB.inventory.listStoreProducts()).items).toEqual([]);
    expect((await storeB.inventory.exportProducts()).items).toEqual([]);
    const missing = await storeB.inventory.getProductImport({ params: { importId: staged.importId } }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404, code: 'INVENTORY_IMPORT_NOT_FOUND' });
  });
});
