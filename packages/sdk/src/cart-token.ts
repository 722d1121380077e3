import type { Middleware } from './client.js';
import type { CartComponents } from './generated/index.js';

/** The header a guest cart's token travels in. */
export const CART_TOKEN_HEADER = 'X-Cart-Token';

/**
 * Sends a guest's cart token with every cart call, so a storefront does not pass it call by call.
 * `getToken` reads wherever the storefront keeps it (a cookie, `localStorage`); nothing is sent
 * while it answers undefined, nor to any other service.
 *
 * @example
 * const client = createClient({ baseUrl, middleware: [cartTokenMiddleware(() => localStorage.cartToken)] });
 * const cart = await client.cart.createCart({ body: {} });
 * localStorage.cartToken = cart.token; // shown only in this response
 * await client.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity: 1 } });
 */
export function cartTokenMiddleware(getToken: () => string | null | undefined): Middleware {
  return {
    onRequest({ service, request }) {
      const token = getToken();
      if (service === 'cart' && token && !request.headers.has(CART_TOKEN_HEADER)) request.headers.set(CART_TOKEN_HEADER, token);
    },
  };
}

/** What {@link mergeGuestCart} needs of a client. */
interface CartMerger {
  cart: { mergeCart(args: { headers: { [CART_TOKEN_HEADER]?: string } }): Promise<CartComponents['schemas']['Cart']> };
}

/**
 * At sign-in: moves the guest cart (by its token) into the signed-in customer's cart and answers
 * that cart. Every line is kept, quantities capped by stock; the guest token stops working, so the
 * storefront can forget it. Safe to call again with the same token.
 *
 * @example
 * await client.auth.login({ body: { email, password } });
 * const cart = await mergeGuestCart(client, localStorage.cartToken);
 * delete localStorage.cartToken;
 */
export function mergeGuestCart(client: CartMerger, token: string): Promise<CartComponents['schemas']['Cart']> {
  return client.cart.mergeCart({ headers: { [CART_TOKEN_HEADER]: token } });
}
