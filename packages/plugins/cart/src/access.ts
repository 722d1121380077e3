import type { Caller } from '@tokobapak/server';
import { hashCartToken } from './cart-token.js';
import { cartErrors } from './errors.js';
import type { StoredCart } from './view.js';

/** Who asks for a cart: a signed-in customer, the holder of a guest cart's token, or both. */
export interface Shopper {
  customerId: string | null;
  tokenHash: string | null;
}

/** The shopper behind a request; neither a session nor a token is a 401. */
export function shopperOf(caller: Caller, headers: unknown): Shopper {
  const token = (headers as Record<string, string | undefined>)['x-cart-token'];
  const customerId = caller.kind === 'user' ? caller.userId : null;
  if (!customerId && !token) throw cartErrors.CART_TOKEN_REQUIRED();
  return { customerId, tokenHash: token ? hashCartToken(token) : null };
}

/**
 * The cart, if this shopper may see it: its owner, or the holder of a guest cart's token. Anyone
 * else is told it does not exist, exactly like a missing cart, so ids cannot be probed.
 */
export function ownedCart(cart: StoredCart | undefined, shopper: Shopper): StoredCart {
  if (cart && isOwner(cart, shopper)) return cart;
  throw cartErrors.CART_NOT_FOUND();
}

function isOwner(cart: StoredCart, shopper: Shopper): boolean {
  if (cart.customerId !== null) return cart.customerId === shopper.customerId;
  // A merged cart's token reaches nothing any more: its lines live in the customer's cart now.
  // Both are SHA-256 hex digests; comparing digests leaks nothing about the token.
  return cart.status !== 'merged' && cart.tokenHash !== null && cart.tokenHash === shopper.tokenHash;
}

/** Refuses a change to a cart that no longer changes. */
export function requireOpen(cart: { status: string }): void {
  if (cart.status !== 'open') throw cartErrors.CART_NOT_OPEN(`The cart is ${cart.status}`);
}
