import { JSON_HEADERS, type Scenario, Tally } from './scenario.js';

// Sent only when every pre-issued session is spent (after failures): refused, so it shows in the figures.
const EXHAUSTED = 'rt_bench_pool_exhausted';

/**
 * `POST /auth/refresh`, each request with a refresh token never used before. Reusing one would revoke
 * its whole session, so the scenario keeps a stack of unused tokens: a request pops one, and its
 * response pushes the rotated token it returns. autocannon calls `onResponse` and then, synchronously,
 * `setupRequest` for the same connection's next request, so that request pops exactly the token its
 * predecessor received: each connection walks down its own chain, and spare sessions (more tokens
 * than connections) replace a chain that breaks, or that a warm-up left in flight when it stopped.
 *
 * A refused refresh (401 `AUTH_REFRESH_TOKEN_INVALID` / `AUTH_REFRESH_TOKEN_REUSED`) is counted and
 * reported, never retried.
 */
export function tokenRefreshScenario(refreshTokens: string[]): Scenario {
  const unused = [...refreshTokens];
  const spent = new Set<string>();
  const tally = new Tally();
  return {
    name: 'token-refresh',
    description: `POST /auth/refresh along ${refreshTokens.length} rotating chains (one per connection, the rest spare)`,
    requests: [
      {
        method: 'POST',
        path: '/auth/refresh',
        headers: JSON_HEADERS,
        setupRequest: (request) => {
          let token = unused.pop();
          if (token === undefined) {
            tally.add('pool exhausted');
            token = EXHAUSTED;
          } else if (spent.has(token)) {
            // Cannot happen by construction; checked because a reuse would silently revoke a session.
            tally.add('token about to be reused (harness bug)');
          }
          spent.add(token);
          return { ...request, body: JSON.stringify({ refreshToken: token }) };
        },
        onResponse: (status, body) => {
          if (status !== 200) return tally.addResponse(status, body);
          const pair = JSON.parse(body) as { refreshToken?: unknown };
          if (typeof pair.refreshToken === 'string') unused.push(pair.refreshToken);
          else tally.add('200 without refreshToken');
        },
      },
    ],
    anomalies: () => tally.counts,
  };
}
