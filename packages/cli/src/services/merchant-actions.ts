import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuthComponents, ImageProxyComponents, InventoryComponents } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { type Connection, callApi, signIn, storeClient } from './store-connection.js';

// What a merchant does after opening a store: keys for scripts, images, products.

/** An API key as auth lists it. */
export type ApiKey = AuthComponents['schemas']['ApiKey'];
/** A new key with its secret, shown once. */
export type CreatedApiKey = AuthComponents['schemas']['CreatedApiKey'];
/** An uploaded image. */
export type Image = ImageProxyComponents['schemas']['Image'];
/** A product as inventory returns it. */
export type Product = InventoryComponents['schemas']['Product'];

const STORE_SCOPES = ['store:read', 'store:write', 'products:read', 'products:write'];

/** `tokobapak keys create`: a key for a script; bound to the store the session acts in, if any. */
export async function createKey(connection: Connection, input: { name: string; scopes: string[] | undefined }): Promise<CreatedApiKey> {
  const client = await signIn(connection);
  const store = connection.credentials.kind === 'session' ? connection.credentials.session.store : undefined;
  const scopes = (input.scopes ?? (store ? STORE_SCOPES : ['profile:read'])) as AuthComponents['schemas']['ApiKeyScope'][];
  return callApi(connection, () => client.auth.createApiKey({ body: { name: input.name, scopes, ...(store ? { storeId: store.id } : {}) } }));
}

/** `tokobapak keys list`: the signed-in person's keys (never their secrets). */
export async function listKeys(connection: Connection): Promise<ApiKey[]> {
  const client = await signIn(connection);
  const keys: ApiKey[] = [];
  await callApi(connection, async () => {
    for await (const key of client.auth.listApiKeys.iterate({ query: { limit: 100 } })) keys.push(key);
  });
  return keys;
}

/** `tokobapak keys revoke`: the key stops working (within the servers' short verification cache). */
export async function revokeKey(connection: Connection, keyId: string): Promise<void> {
  const client = await signIn(connection);
  await callApi(connection, () => client.auth.revokeApiKey({ params: { keyId } }));
}

/** `tokobapak images upload`: one image file into the store the credentials act in. */
export async function uploadImage(connection: Connection, file: string): Promise<Image> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CliError('CLI_FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`);
  }
  const client = await storeClient(connection);
  return callApi(connection, () => client.imageProxy.uploadImage({ body: { file: new File([new Uint8Array(bytes)], basename(file)) } }));
}

/** What `tokobapak products create` sends, from its flags. */
export interface NewProduct {
  title: string;
  handle: string;
  price: number;
  currency: string;
  sku: string;
  stock: number;
  weight: number;
  imageId: string | undefined;
  publish: boolean;
}

/** `tokobapak products create`: one product with one variant; a draft unless `publish`. */
export async function createProduct(connection: Connection, input: NewProduct): Promise<Product> {
  const client = await storeClient(connection);
  return callApi(connection, () =>
    client.inventory.createProduct({
      body: {
        title: input.title,
        handle: input.handle,
        status: input.publish ? 'active' : 'draft',
        ...(input.imageId ? { imageIds: [input.imageId] } : {}),
        variants: [{ sku: input.sku, price: { amount: input.price, currency: input.currency }, weight: input.weight, stockOnHand: input.stock }],
      },
    }),
  );
}

/** `tokobapak products publish`: a draft (or archived) product goes into the public catalogue. */
export async function publishProduct(connection: Connection, productId: string): Promise<Product> {
  const client = await storeClient(connection);
  return callApi(connection, () => client.inventory.updateProduct({ params: { productId }, body: { status: 'active' } }));
}
