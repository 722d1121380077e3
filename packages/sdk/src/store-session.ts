import type { AuthComponents } from './generated/index.js';

/** The token pair of a store session, as `auth.selectStore` answers it. */
export type StoreSession = AuthComponents['schemas']['TokenPair'];

/** What every {@link TokoBapakClient} adds to its service namespaces. */
export interface StoreSessionHelpers {
  /**
   * Makes this client act inside one of the signed-in person's stores: it asks for a store session
   * (`auth.selectStore`) and keeps its tokens, so every later call acts in that store. Store
   * operations (`/merchant/store/…`, `/inventory/store/…`) answer 403 `STORE_CONTEXT_REQUIRED`
   * until a client has done this, or uses a store-scoped API key.
   *
   * @example
   * const store = await client.merchant.createStore({ body: { name: 'Toko Kopi', handle: 'toko-kopi' } });
   * await client.actAsStore(store.id);
   * await client.inventory.createProduct({ body: product });
   */
  actAsStore(storeId: string): Promise<StoreSession>;
}

/** Adds {@link StoreSessionHelpers} to a client whose `auth.selectStore` keeps the tokens it returns. */
export function withStoreSession<Client extends { auth: { selectStore(args: { body: { storeId: string } }): Promise<StoreSession> } }>(
  client: Client,
): Client & StoreSessionHelpers {
  return Object.assign(client, {
    actAsStore: (storeId: string) => client.auth.selectStore({ body: { storeId } }),
  });
}
