/**
 * A shopper buys from two stores in one checkout, through the SDK only: register → search the
 * catalogue → a cart with a line from each of the demo's two stores → a shipping quote per store →
 * check out → pay in the payment sandbox → follow the orders until they are paid. Run against a
 * started demo store: `npx --yes pnpm@12.21.0 demo`, then `npx tsx examples/storefront-checkout.ts`
 * (TOKOBAPAK_URL picks another store). Safe to run again: each run registers a new shopper.
 */
import { type CartComponents, createClient, type InventoryComponents } from '@tokobapak/sdk';

type Product = InventoryComponents['schemas']['Product'];
type Cart = CartComponents['schemas']['Cart'];

const baseUrl = process.env.TOKOBAPAK_URL ?? 'http://127.0.0.1:4000';
const rupiah = (amount: number) => `Rp ${amount.toLocaleString('id-ID')}`;
const client = createClient({ baseUrl });

// 1. Register and sign in (a new address every run).
const email = `sari-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
await client.user.register({ body: { email, password: 'nasi-goreng-kampung-5', name: 'Sari Lestari' } });
await client.auth.login({ body: { email, password: 'nasi-goreng-kampung-5' } });
console.log(`signed in as ${email}`);

// 2. Search the public catalogue: coffee that is in stock, from any store.
const { items: coffees } = await client.inventory.listProducts({ query: { q: 'kopi', inStock: true, limit: 20 } });
for (const product of coffees) console.log(`found ${product.title} at ${rupiah(product.fromPrice.amount)} (store ${product.storeId})`);
const stores = [...new Set(coffees.map((product) => product.storeId))];
if (stores.length < 2) throw new Error(`coffee from two stores is needed, found ${stores.length}: is this the demo (pnpm demo)?`);
const picks = stores.slice(0, 2).map((storeId) => coffees.find((product) => product.storeId === storeId) as Product);

// 3. A cart with a line from each store; the cart groups its lines by store.
let cart: Cart = await client.cart.createCart({ body: { currency: 'IDR' } });
for (const [index, product] of picks.entries()) {
  const variant = product.variants[0];
  if (!variant) throw new Error(`${product.title} has no variant`);
  cart = await client.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId: variant.id, quantity: index + 1 } });
  console.log(`added ${index + 1} × ${product.title}`);
}

// 4. Shipping: one request quotes every store's parcel to the address (the cart knows the weights)
//    and chooses each store's cheapest option.
const address = {
  recipientName: 'Sari Lestari',
  phone: '+6281234567890',
  line1: 'Jl. Braga No. 10',
  city: 'Bandung',
  region: 'Jawa Barat',
  postalCode: '40111',
  countryCode: 'ID',
};
const shipping = await client.cart.quoteCartShipping({
  params: { cartId: cart.id },
  body: { destination: { postalCode: address.postalCode, region: address.region }, choose: 'cheapest' },
});
for (const store of shipping.stores) {
  const chosen = store.options.find((option) => option.optionId === store.chosenOptionId);
  if (!chosen) throw new Error(`store ${store.storeId} offers no shipping to ${address.postalCode}`);
  console.log(`shipping from ${store.storeId}: ${chosen.name} ${rupiah(chosen.amount.amount)}`);
}
if (!shipping.cart) throw new Error('choosing shipping answered no cart');
cart = shipping.cart;
console.log(`cart total ${rupiah(cart.totals.total.amount)} (shipping ${rupiah(cart.totals.shipping?.amount ?? 0)})`);

// 5. Check out: one payment for the cart, one order per store.
const checkout = await client.order.createCheckout({ body: { cartId: cart.id, shippingAddress: address, paymentMethod: { type: 'qris' } } });
const payment = checkout.payment;
if (!payment) throw new Error(`checkout ${checkout.id} has no payment`);
console.log(`checkout ${checkout.id}: ${checkout.orders.length} orders, pay ${rupiah(payment.amount.amount)} (${payment.id})`);

// 6. Pay. The sandbox plays the customer at the gateway and sends the store its signed webhook.
const paid = await client.payment.simulatePayment({ params: { paymentId: payment.id }, body: { outcome: 'paid' } });
console.log(`payment ${paid.id} is ${paid.status}`);

// 7. Follow the checkout until the payment has confirmed its orders (the order service settles in
// the background): the store holds the read until the checkout is finished, for up to 20 s.
const deadline = Date.now() + 30_000;
let settled = await client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 20 } });
while (settled.orders.some((order) => order.status === 'pending_payment')) {
  if (Date.now() > deadline) throw new Error(`checkout ${checkout.id} is still ${settled.status}`);
  settled = await client.order.getCheckout({ params: { checkoutId: checkout.id }, query: { waitSeconds: 20 } });
}
if (settled.status !== 'paid') throw new Error(`checkout ${checkout.id} is ${settled.status}`);
for (const order of settled.orders) {
  console.log(`order ${order.id} from ${order.storeId}: ${order.history.map((entry) => entry.status).join(' → ')}`);
}
