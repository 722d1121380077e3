/**
 * A merchant's script that holds a store API key instead of a password, through the SDK only: the
 * demo merchant makes a key for the store `toko-demo` once, bound to that store and with read
 * scopes only; from then on the script uses nothing but the key to report the store's stock and
 * sales, and is refused where its scopes do not reach. Run against a started demo store:
 * `npx --yes pnpm@12.21.0 demo`, then `npx tsx examples/merchant-script.ts` (TOKOBAPAK_URL picks
 * another store). Safe to run again: each run makes a key and revokes it at the end.
 */
import { createClient, TokoBapakError } from '@tokobapak/sdk';

const baseUrl = process.env.TOKOBAPAK_URL ?? 'http://127.0.0.1:4000';
const rupiah = (amount: number) => `Rp ${amount.toLocaleString('id-ID')}`;

// 1. Once, signed in as the store's owner (a manager may too): a key bound to the store, with read
//    scopes only, that stops working after a day. Its secret is shown in this answer only.
const owner = createClient({ baseUrl });
await owner.auth.login({ body: { email: 'merchant@demo.tokobapak.dev', password: 'demo-seller-password' } });
const store = await owner.merchant.getStoreByHandle({ params: { handle: 'toko-demo' } });
const { secret, apiKey } = await owner.auth.createApiKey({
  body: {
    name: 'nightly report',
    scopes: ['products:read', 'orders:read'],
    storeId: store.id,
    expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString(),
  },
});
console.log(`key ${apiKey.prefix}… for ${store.handle}: ${apiKey.scopes.join(', ')}`);

// 2. From here on the script holds only the key (a real one reads it from its environment). The key
//    acts in its store: no password, no store session, no `actAsStore`.
const script = createClient({ baseUrl, apiKey: secret });
const products = [];
for await (const product of script.inventory.listStoreProducts.iterate({ query: { limit: 50 } })) {
  products.push(product);
  const onHand = product.variants.reduce((sum, variant) => sum + variant.stockOnHand, 0);
  console.log(`stock ${product.handle}: ${onHand} on hand${onHand < 5 ? ' (low)' : ''}`);
}
let completed = 0;
let sales = 0;
for await (const order of script.order.listStoreOrders.iterate({ query: { status: 'completed', limit: 50 } })) {
  completed += 1;
  sales += order.totals.total.amount;
}
console.log(`sales: ${completed} completed order(s), ${rupiah(sales)}`);

// 3. The key may read products but not change them: a write answers 403 INSUFFICIENT_SCOPE. (The
//    change asked for is no change at all, so nothing would happen even if it went through.)
const product = products[0];
if (!product) throw new Error(`${store.handle} has no products: is this the demo (pnpm demo)?`);
const refusal = await script.inventory.updateProduct({ params: { productId: product.id }, body: { title: product.title } }).then(
  () => undefined,
  (error: unknown) => error,
);
if (!(refusal instanceof TokoBapakError)) throw new Error(`a read-only key changed ${product.handle}`, { cause: refusal });
console.log(`changing ${product.handle}: refused, ${refusal.status} ${refusal.code}`);

// 4. The owner revokes the key when the script retires (here at once, so no run leaves a key behind).
await owner.auth.revokeApiKey({ params: { keyId: apiKey.id } });
console.log(`key ${apiKey.prefix}… revoked`);
