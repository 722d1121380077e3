import { type OperationRoute, readOperations } from '@tokobapak/server';
import { storeToken } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { imageProxyPlugin } from '../src/index.js';
import { colouredPng, type ImageProxyTestServer, multipart, STORE_A, STORE_B, startImageProxy, uploadOk } from './support.js';

// Every store-scoped operation of the spec is enumerated, reads included, so a new one cannot skip the check:
// it fails the coverage test below until it has a check of its own.
const operations = readOperations('image-proxy', imageProxyPlugin().spec);
const storeOperations = operations.filter((operation) =>
  operation.security.some((requirement) => requirement.scheme === 'bearerAuth' && requirement.scopes.some((scope) => scope.startsWith('store'))),
);

let t: ImageProxyTestServer;
let imageOfA: string;
beforeAll(async () => {
  t = await startImageProxy();
  imageOfA = await uploadOk(t.server, await colouredPng(16, 16), STORE_A);
});
afterAll(async () => {
  await t?.close();
});

const asB = () => ({ authorization: `Bearer ${storeToken(t.server, STORE_B)}` });
const url = (operation: OperationRoute) => operation.path.replace('{imageId}', imageOfA);

/** What store B gets from each store operation when it aims at store A's image or lists. */
const checks: Record<string, (operation: OperationRoute) => Promise<void>> = {
  async listStoreImages(operation) {
    const response = await t.server.app.inject({ method: 'GET', url: url(operation), headers: asB() });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ items: [], nextCursor: null });
  },
  async deleteImage(operation) {
    const response = await t.server.app.inject({ method: operation.method as 'DELETE', url: url(operation), headers: asB() });
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json().code).toBe('IMAGE_NOT_FOUND');
  },
  async uploadImage(operation) {
    // The store comes from the credential only: B's upload is B's, and A's list does not change.
    const body = await multipart(await colouredPng(8, 8));
    const response = await t.server.app.inject({ method: 'POST', url: url(operation), payload: body.payload, headers: { ...body.headers, ...asB() } });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().storeId).toBe(STORE_B);
  },
};

test('every store operation of the spec has a tenant check', () => {
  expect(storeOperations.map((operation) => operation.operationId).sort()).toEqual(Object.keys(checks).sort());
});

describe("store B cannot see or touch store A's images", () => {
  test.each(storeOperations.map((operation) => [operation.operationId, operation] as const))('%s', async (_name, operation) => {
    const check = checks[operation.operationId];
    if (!check) throw new Error(`no tenant check for ${operation.operationId}`);
    await check(operation);
    // Store A's image is untouched and still listed as A's only.
    const page = await t.server.client({ accessToken: storeToken(t.server, STORE_A) }).imageProxy.listStoreImages();
    expect(page.items.map((image) => image.id)).toEqual([imageOfA]);
  });
});
