import { createClient, type TokoBapakClient } from '@tokobapak/sdk';
import { createTokenService, newId } from '@tokobapak/server';
import type { StartedStore } from '../../../../test/integration/support/cli-process.js';
import { ADDRESS } from './support.js';

// What the checkout crash tests do through the API of a store started as its own process
// (`fixtures/checkout-server.ts`): sign customers and merchants in with the store's secret, put a
// product and a cart with a coupon together, check out, read what is available.

const SESSION = `ses_${'0'.repeat(26)}`;

/** The secret to start the stores with, and what the tests do with it. */
export function crashCheckouts() {
  const secret = `crash-${Date.now()}-secret-of-at-least-32-characters`;
  const tokens = createTokenService({ secret });
  const customerToken = (userId: string) => tokens.signAccessToken({ userId, role: 'customer', sessionId: SESSION });
  const storeToken = (storeId: string) => tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: SESSION, storeId, storeRole: 'owner' });
  const customerAt = (store: StartedStore, userId: string) => createClient({ baseUrl: store.url, accessToken: customerToken(userId) });
  const merchantAt = (store: StartedStore, storeId: string) => createClient({ baseUrl: store.url, accessToken: storeToken(storeId) });

  /** A product with `stock` units and a customer's cart holding `quantity` of it, made through the API. */
  async function prepare(store: StartedStore, stock: number, quantity: number): Promise<Setup> {
    const storeId = newId('sto');
    const handle = `kopi-${Date.now().toString(36)}`;
    const product = await merchantAt(store, storeId).inventory.createProduct({
      body: {
        title: 'Kopi Kintamani',
        handle,
        categories: ['kopi'],
        variants: [{ sku: handle.toUpperCase(), price: { amount: 60_000, currency: 'IDR' }, weight: 250, stockOnHand: stock }],
        status: 'active',
      },
    });
    const variantId = product.variants[0]?.id as string;
    // A coupon on every crashed checkout: its use is reserved, committed or given back with the stock.
    const code = `KRASH${Date.now().toString(36).toUpperCase()}`;
    const coupon = await merchantAt(store, storeId).promotion.createStoreDiscount({
      body: { name: 'Hemat krash', type: 'fixed_amount', amount: 5_000, currency: 'IDR', code, usageLimit: 10 },
    });
    const userId = newId('usr');
    const customer = customerAt(store, userId);
    const cart = await customer.cart.createCart({ body: { currency: 'IDR' } });
    await customer.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity } });
    await customer.cart.applyCartCoupon({ params: { cartId: cart.id }, body: { code } });
    return { storeId, variantId, productId: product.id, promotionId: coupon.id, userId, cartId: cart.id, stock, key: `checkout-${newId('key')}` };
  }

  /** The checkout of the set-up cart, under an idempotency key (the set-up's own unless given). */
  const checkout = (customer: TokoBapakClient, setup: Setup, key = setup.key) =>
    customer.order.createCheckout({ idempotencyKey: key, body: { cartId: setup.cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } } });

  /** What the store shows of the variant: available after reservations. */
  async function available(store: StartedStore, setup: Setup): Promise<number> {
    const product = await merchantAt(store, setup.storeId).inventory.getStoreProduct({ params: { productId: setup.productId } });
    return product.variants[0]?.available as number;
  }

  return { secret, customerAt, merchantAt, prepare, checkout, available };
}

/** A prepared product (with its coupon), customer and cart, and the idempotency key of its checkout. */
export interface Setup {
  storeId: string;
  variantId: string;
  productId: string;
  promotionId: string;
  userId: string;
  cartId: string;
  stock: number;
  key: string;
}
