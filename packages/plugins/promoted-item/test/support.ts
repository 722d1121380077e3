import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBlobStore, imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import type { PromotedItemComponents, TokoBapakClient } from '@tokobapak/sdk';
import type { Clock } from '@tokobapak/server';
import { createTestServer, manualClock, type TestServer } from '@tokobapak/server/testing';
import { promotedItemPlugin } from '../src/index.js';

export type Schemas = PromotedItemComponents['schemas'];

/** The start of the current minute: a round time for schedules, recent enough for access tokens. */
export function startOfMinute(): Date {
  return new Date(Math.floor(Date.now() / 60_000) * 60_000);
}

/**
 * The promoted-item service on a fresh database, on the given clock, beside the inventory and
 * image-proxy services it checks slot references with. `{ down: true }` configures those two at
 * the URL of a server that answers every request with 503, as a service that is down would.
 */
export async function startServer(clock: Clock = manualClock(startOfMinute()), options: { down?: boolean } = {}): Promise<TestServer> {
  if (!options.down) {
    const others = [inventoryPlugin(), imageProxyPlugin({ blobStore: createMemoryBlobStore(), signingKey: 'promoted-item-test-signing-key-0123456789' })];
    return createTestServer({ plugins: [promotedItemPlugin(), ...others], clock });
  }
  const down = createServer((_request, response) => {
    response.statusCode = 503;
    response.end();
  });
  await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
  const server = await createTestServer({ plugins: [promotedItemPlugin()], clock, remoteServices: { inventory: url, 'image-proxy': url } });
  const close = server.close.bind(server);
  return Object.assign(server, {
    async close() {
      await close();
      await new Promise((resolve) => down.close(resolve));
    },
  });
}

let counter = 0;

/** A well-formed id with a prefix, unique within this test file. */
export function fakeId(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter.toString(36).padStart(26, '0')}`;
}

/** Two stores for the tenant checks. */
export const STORE_A = `sto_${'a'.repeat(26)}`;
export const STORE_B = `sto_${'b'.repeat(26)}`;

const SESSION = `ses_${'0'.repeat(26)}`;

/**
 * Clients holding access tokens signed directly (no auth or merchant service needed). Each call
 * signs a fresh token, so a test that moves the clock past a token's lifetime still gets a valid one.
 */
export function callers(server: TestServer) {
  const as = (accessToken: string): TokoBapakClient => server.client({ accessToken, autoRefresh: false });
  return {
    guest: (): TokoBapakClient => server.client(),
    admin: () => as(server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'admin', sessionId: SESSION })),
    customer: () => as(server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'customer', sessionId: SESSION })),
    store: (storeId: string, storeRole: 'owner' | 'manager' | 'staff' = 'manager') =>
      as(server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'customer', sessionId: SESSION, storeId, storeRole })),
    /** A raw `Authorization` header for `inject()` calls. */
    storeHeader: (storeId: string) => ({
      authorization: `Bearer ${server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'customer', sessionId: SESSION, storeId, storeRole: 'manager' })}`,
    }),
  };
}

/** The store whose images and products the platform (admin) slots of these tests use. */
export const HOUSE_STORE = `sto_${'h'.repeat(26)}`;

/** The smallest PNG there is: one transparent pixel. */
const PIXEL_PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) =>
  c.charCodeAt(0),
);

/**
 * Real images (uploaded to image-proxy) and active products (created in inventory) of any store,
 * made on first use and reused, and slot bodies pointing at them.
 */
export function references(server: TestServer) {
  const images = new Map<string, Promise<string>>();
  const products = new Map<string, Promise<string>>();
  const store = callers(server).store;
  const image = (storeId: string, fresh = false): Promise<string> => {
    const upload = async () => (await store(storeId).imageProxy.uploadImage({ body: { file: new Blob([PIXEL_PNG], { type: 'image/png' }) } })).id;
    if (fresh) return upload();
    if (!images.has(storeId)) images.set(storeId, upload());
    return images.get(storeId) as Promise<string>;
  };
  const product = (storeId: string, options: { fresh?: boolean; status?: 'draft' | 'active' } = {}): Promise<string> => {
    const create = async () => {
      const handle = `barang-${fakeId('h').slice(2)}`;
      const body = {
        title: 'Kopi Gayo',
        handle,
        variants: [{ sku: handle.toUpperCase(), price: { amount: 85000, currency: 'IDR' }, weight: 250, stockOnHand: 5 }],
        status: options.status ?? 'active',
      };
      return (await store(storeId).inventory.createProduct({ body })).id;
    };
    if (options.fresh || options.status) return create();
    if (!products.has(storeId)) products.set(storeId, create());
    return products.get(storeId) as Promise<string>;
  };
  return {
    image,
    product,
    /** A banner body whose image belongs to `storeId`. */
    banner: async (storeId: string, overrides: Partial<Schemas['BannerInput']> = {}) => bannerInput({ imageId: await image(storeId), ...overrides }),
    /** A promotion body whose product belongs to `storeId`. */
    promotion: async (storeId: string, overrides: Partial<Schemas['ProductPromotionInput']> = {}) =>
      promotionInput({ productId: await product(storeId), ...overrides }),
  };
}

/** A banner body with sensible defaults (a made-up image id unless one is given). */
export function bannerInput(overrides: Partial<Schemas['BannerInput']> = {}): Schemas['BannerInput'] {
  return { placement: 'home-hero', title: 'Promo Ramadan', imageId: fakeId('img'), linkUrl: 'https://toko.example/ramadan', ...overrides };
}

/** A promotion body with sensible defaults (a made-up product id unless one is given). */
export function promotionInput(overrides: Partial<Schemas['ProductPromotionInput']> = {}): Schemas['ProductPromotionInput'] {
  return { placement: 'home-strip', productId: fakeId('prod'), ...overrides };
}
