/**
 * What the page keeps across reloads, in `localStorage`: the session's token pair and the id of the
 * shopper's cart, under keys named after the store's URL (one browser may shop at several stores).
 *
 * The trade-off: `localStorage` survives a reload and a closed tab, but any script running on this
 * origin can read it, so a cross-site-scripting hole would hand over the refresh token. An
 * `HttpOnly` cookie set by the store would hide it from scripts, but the store's API answers tokens
 * in JSON and the page may be served from another origin than the API. For a demo page with no
 * third-party scripts that is acceptable; a production storefront should keep the refresh token in
 * an `HttpOnly`, `SameSite` cookie of its own backend, or at least serve a strict Content Security
 * Policy. Signing out removes both entries (and revokes the session on the store).
 */
import type { StoredTokens, TokenStore } from '@tokobapak/sdk';

/** A token store over `localStorage`: the SDK writes it after every sign-in and refresh, and clears it on sign-out or a rejected refresh. */
export function localTokenStore(key: string): TokenStore {
  return {
    get(): StoredTokens | undefined {
      const saved = localStorage.getItem(key);
      if (!saved) return undefined;
      try {
        const tokens = JSON.parse(saved) as Partial<StoredTokens>;
        return typeof tokens.accessToken === 'string' && typeof tokens.refreshToken === 'string'
          ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }
          : undefined;
      } catch {
        return undefined; // written by something else: as if signed out
      }
    },
    set(tokens) {
      if (tokens) localStorage.setItem(key, JSON.stringify(tokens));
      else localStorage.removeItem(key);
    },
  };
}

/** One remembered string (the cart's id), removed when set to undefined. */
export function remembered(key: string): { get(): string | undefined; set(value: string | undefined): void } {
  return {
    get: () => localStorage.getItem(key) ?? undefined,
    set: (value) => (value === undefined ? localStorage.removeItem(key) : localStorage.setItem(key, value)),
  };
}
