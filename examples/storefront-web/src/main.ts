/**
 * The storefront's behaviour: the SDK straight from the browser. The session and the cart's id are
 * kept in `localStorage` (see `storage.ts` for the trade-off), so a reload finds the shopper signed
 * in with their cart. The store's URL is `?api=` or port 4000 of the page's own host, which the
 * demo allows (CORS).
 */
import { type CartComponents, createClient, type InventoryComponents, type OrderComponents, TokoBapakError } from '@tokobapak/sdk';
import { byId, h, rupiah } from './dom.js';
import { localTokenStore, remembered } from './storage.js';

type Cart = CartComponents['schemas']['Cart'];
type Product = InventoryComponents['schemas']['Product'];
type Checkout = OrderComponents['schemas']['Checkout'];
type Order = OrderComponents['schemas']['Order'];
type Refund = OrderComponents['schemas']['OrderRefund'];

const api = new URLSearchParams(location.search).get('api') ?? `${location.protocol}//${location.hostname}:4000`;
const tokens = localTokenStore(`tokobapak:${api}:session`);
const cartId = remembered(`tokobapak:${api}:cart`);
const client = createClient({ baseUrl: api, tokenStore: tokens });
let cart: Cart | undefined;
let checkout: Checkout | undefined;

/** Runs a click's work, showing the problem's code and message instead of failing silently. */
function act(work: () => Promise<void>): void {
  byId('status').textContent = '';
  work().catch((error: unknown) => {
    byId('status').textContent = error instanceof TokoBapakError ? `${error.code}: ${error.problem?.detail ?? error.message}` : String(error);
  });
}

byId<HTMLFormElement>('account-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  const [email, password, name] = ['email', 'password', 'name'].map((field) => String(form.get(field) ?? '')) as [string, string, string];
  act(async () => {
    if ((event.submitter as HTMLButtonElement | null)?.value === 'register') await client.user.register({ body: { email, password, name } });
    await client.auth.login({ body: { email, password } });
    await enterShop();
  });
});

/** Shows the signed-in shopper the catalogue. */
async function enterShop(): Promise<void> {
  const me = await client.user.getProfile();
  byId('who').textContent = `Signed in as ${me.name ?? me.email}`;
  byId('account').hidden = true;
  byId('shop').hidden = false;
  byId('sign-out').hidden = false;
  await search('');
  await renderOrders();
}

/**
 * After a reload: the kept session (refreshed by the SDK if its access token expired) and the kept
 * cart, if it is still open. A session the store no longer accepts leaves the sign-in form.
 */
async function restore(): Promise<void> {
  if (!tokens.get()) return;
  try {
    await enterShop();
  } catch (error) {
    if (error instanceof TokoBapakError && error.status === 401) return tokens.set(undefined);
    throw error;
  }
  const id = cartId.get();
  if (!id) return;
  try {
    const kept = await client.cart.getCart({ params: { cartId: id } });
    if (kept.status !== 'open') return cartId.set(undefined);
    cart = kept;
  } catch (error) {
    if (error instanceof TokoBapakError && error.status === 404) return cartId.set(undefined);
    throw error;
  }
  await renderCart();
}

byId('sign-out').addEventListener('click', () =>
  act(async () => {
    // Whatever the store answers, this page is signed out afterwards and forgets the cart.
    try {
      await client.auth.logout();
    } finally {
      tokens.set(undefined);
      cartId.set(undefined);
      location.reload();
    }
  }),
);

act(restore);

byId<HTMLFormElement>('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  act(() => search(String(new FormData(event.target as HTMLFormElement).get('q') ?? '')));
});

/** The public catalogue, searched when there are words, newest first otherwise. */
async function search(q: string): Promise<void> {
  const { items } = await client.inventory.listProducts({ query: { ...(q.trim() ? { q: q.trim() } : {}), inStock: true, limit: 24 } });
  byId('products').replaceChildren(...items.map(productCard));
}

function productCard(product: Product): HTMLElement {
  const button = h('button', { type: 'button', 'aria-label': `Add ${product.title} to the cart` }, 'Add to cart');
  button.addEventListener('click', () => act(() => addToCart(product)));
  return h('li', {}, h('h3', {}, product.title), h('p', {}, rupiah(product.fromPrice)), button);
}

async function addToCart(product: Product): Promise<void> {
  const variant = product.variants.find((candidate) => candidate.available > 0);
  if (!variant) throw new Error(`${product.title} is sold out`);
  cart ??= await client.cart.createCart({ body: { currency: product.fromPrice.currency } });
  cartId.set(cart.id);
  cart = await client.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId: variant.id, quantity: 1 } });
  await renderCart();
}

/** The cart by store, each store with its own shipping quotes to the address's postal code (one request for all of them). */
async function renderCart(): Promise<void> {
  if (!cart) return;
  const current = cart;
  byId('cart').hidden = false;
  const postalCode = String(new FormData(byId<HTMLFormElement>('checkout-form')).get('postalCode') ?? '');
  const quoted = await client.cart.quoteCartShipping({ params: { cartId: current.id }, body: { destination: { postalCode } } });
  const stores = current.stores.map((store, index) => {
    const options = quoted.stores.find((quotedStore) => quotedStore.storeId === store.storeId)?.options ?? [];
    const select = h('select', { 'aria-label': `Shipping for store ${index + 1}` }, h('option', { value: '' }, 'Choose shipping'));
    for (const option of options) select.append(h('option', { value: option.optionId }, `${option.name}: ${rupiah(option.amount)}`));
    select.addEventListener('change', () =>
      act(async () => {
        if (!select.value) return;
        cart = await client.cart.selectCartShipping({ params: { cartId: current.id, storeId: store.storeId }, body: { optionId: select.value } });
        await renderCart();
      }),
    );
    const shipping = store.totals.shipping;
    return h(
      'div',
      { class: 'store' },
      h('h3', {}, `Store ${index + 1}`),
      h('ul', {}, ...store.lines.map((line) => h('li', {}, `${line.quantity} × ${line.productTitle}: ${rupiah(line.total)}`))),
      select,
      h('p', {}, shipping ? `Shipping ${rupiah(shipping)}` : 'No shipping chosen yet'),
    );
  });
  byId('cart-stores').replaceChildren(...stores);
  byId('cart-total').textContent = `Total ${rupiah(current.totals.total)}`;
  byId<HTMLButtonElement>('checkout-button').disabled = current.stores.some((store) => store.totals.shipping === null);
}

byId<HTMLFormElement>('checkout-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  const field = (name: string) => String(form.get(name) ?? '');
  act(async () => {
    if (!cart) return;
    const shippingAddress = {
      recipientName: field('recipientName'),
      phone: field('phone'),
      line1: field('line1'),
      city: field('city'),
      region: field('region'),
      postalCode: field('postalCode'),
      countryCode: 'ID',
    };
    checkout = await client.order.createCheckout({ body: { cartId: cart.id, shippingAddress, paymentMethod: { type: 'qris' } } });
    cart = undefined;
    cartId.set(undefined);
    byId('cart').hidden = true;
    byId('payment').hidden = false;
    byId('payment-summary').textContent = `${checkout.orders.length} order(s), ${rupiah(checkout.total)} to pay by QRIS`;
    await renderOrders();
  });
});

// The sandbox stands in for the customer's banking app: it tells the store the payment arrived.
byId('pay-button').addEventListener('click', () =>
  act(async () => {
    const payment = checkout?.payment;
    if (!payment) return;
    await client.payment.simulatePayment({ params: { paymentId: payment.id }, body: { outcome: 'paid' } });
    byId('payment').hidden = true;
    await followOrders();
  }),
);

/**
 * Orders are confirmed in the background once the payment arrives: the store holds the checkout's
 * read until that is done (up to 20 s), then the page shows them.
 */
async function followOrders(): Promise<void> {
  const deadline = Date.now() + 30_000;
  const checkoutId = checkout?.id;
  if (!checkoutId) return;
  const waiting = (orders: Order[]) => orders.some((order) => order.checkoutId === checkoutId && order.status === 'pending_payment');
  do await client.order.getCheckout({ params: { checkoutId }, query: { waitSeconds: 20 } });
  while (waiting(await renderOrders()) && Date.now() < deadline);
}

/** The shopper's latest orders (newest first, from every checkout, so a reload shows them too). */
async function renderOrders(): Promise<Order[]> {
  const { items } = await client.order.listMyOrders({ query: { limit: 20 } });
  byId('orders').hidden = items.length === 0;
  byId('order-list').replaceChildren(...items.map(orderItem));
  return items;
}

/** How a refund stands, in the shopper's words. `owed`: the gateway could not refund (a bank transfer), so the platform pays it back by hand. */
const refundWords: Record<Refund['status'], string> = {
  pending: 'being refunded',
  succeeded: 'refunded',
  owed: 'to be paid back by bank transfer',
  failed: 'refund failed',
};

/** One order: its status history, a line per refund, and for a shipped order the button saying the parcel arrived. */
function orderItem(order: Order): HTMLElement {
  const item = h(
    'li',
    { 'data-status': order.status },
    `${order.id}: ${rupiah(order.totals.total)}, ${order.history.map((entry) => entry.status).join(' → ')}`,
  );
  if (order.refunds.length > 0) {
    const refunds = order.refunds.map((refund) =>
      h('li', {}, `${rupiah(refund.amount)} ${refundWords[refund.status]}${refund.reason ? ` (${refund.reason})` : ''}`),
    );
    item.append(h('ul', { class: 'refunds' }, ...refunds));
  }
  if (order.status === 'shipped') {
    // The customer got the parcel: the order completes now, and the store is paid sooner.
    const button = h('button', { type: 'button' }, 'Order received');
    button.addEventListener('click', () =>
      act(async () => {
        await client.order.confirmMyOrderReceived({ params: { orderId: order.id }, body: {} });
        await renderOrders();
      }),
    );
    item.append(' ', button);
  }
  return item;
}
