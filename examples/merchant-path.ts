/**
 * A merchant's path from nothing to a product on sale, through the SDK: register → open a store →
 * act as that store → upload an image → create a product (a draft) → publish it → see it in the
 * public catalogue. Run against a started store: `npx --yes pnpm@12.21.0 demo`, then
 * `npx tsx examples/merchant-path.ts` (TOKOBAPAK_URL picks another store). Safe to run again: each
 * run registers a new merchant.
 */
import { createClient } from '@tokobapak/sdk';

const baseUrl = process.env.TOKOBAPAK_URL ?? 'http://127.0.0.1:4000';
const run = Date.now().toString(36);

// 1. Register and sign in. Passwords: at least 10 characters, and not containing your email's name or your name.
const merchant = createClient({ baseUrl });
const email = `rina-${run}@example.com`;
await merchant.user.register({ body: { email, password: 'sambal-matah-pedas-77', name: 'Rina Wijaya' } });
await merchant.auth.login({ body: { email, password: 'sambal-matah-pedas-77' } });

// 2. Open a store. Its owner is not inside it yet: store operations need a store session.
const store = await merchant.merchant.createStore({ body: { name: 'Toko Rina', handle: `toko-rina-${run}` } });

// 3. Act as that store: every later call of this client acts in it.
await merchant.actAsStore(store.id);

// 4. Upload an image (a 1×1 PNG here; any JPEG, PNG, WebP, AVIF or GIF file).
const png = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWPI9zMHAAIkAPX+n/MDAAAAAElFTkSuQmCC'),
  (character) => character.charCodeAt(0),
);
const image = await merchant.imageProxy.uploadImage({ body: { file: new File([png], 'kopi.png', { type: 'image/png' }) } });

// 5. Create a product. It is a draft: only the store sees it. (IDR has no minor units: 65000 is Rp 65.000.)
const product = await merchant.inventory.createProduct({
  body: {
    title: 'Kopi Rina 250 g',
    handle: 'kopi-rina-250',
    imageIds: [image.id],
    variants: [{ sku: 'KOPI-RINA-250', price: { amount: 65000, currency: 'IDR' }, weight: 250, stockOnHand: 12 }],
  },
});
console.log(`created ${product.handle} as ${product.status}`);

// 6. Publish it.
await merchant.inventory.updateProduct({ params: { productId: product.id }, body: { status: 'active' } });

// 7. A shopper (no sign-in) finds it in the public catalogue.
const shopper = createClient({ baseUrl });
const found = await shopper.inventory.getProduct({ params: { productId: product.id } });
console.log(`on sale: ${found.title} from Rp ${found.fromPrice.amount.toLocaleString('id-ID')} in ${store.handle}`);
