/** The token pair the client keeps after a sign-in. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * Where the client keeps its tokens. Implement it over `localStorage`, a cookie or a file to keep a
 * session across restarts; the client calls `set` after every sign-in or refresh and `set(undefined)`
 * on logout or when the refresh token is rejected.
 */
export interface TokenStore {
  get(): StoredTokens | undefined;
  set(tokens: StoredTokens | undefined): void;
}

/**
 * A token store that lives as long as the client (the default).
 *
 * @example
 * const client = createClient({ baseUrl: 'http://localhost:3000', tokenStore: memoryTokenStore() });
 */
export function memoryTokenStore(initial?: StoredTokens): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}
