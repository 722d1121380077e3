import { describe, expect, test } from 'vitest';
import { createClientFor, type Middleware, memoryTokenStore, type OperationTable } from '../src/index.js';
import { operationTable, type ServiceOperations } from './fixtures/generated/operations.js';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const pair = (n: number) => ({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn: 900 });

/** The fixture table with its session metadata replaced, as another spec could declare it. */
function withSessions(sessions: Record<string, Record<string, 'issues' | 'refreshes' | 'revokes' | undefined>>): OperationTable {
  const table: Record<string, Record<string, object>> = {};
  for (const [service, operations] of Object.entries(operationTable)) {
    table[service] = {};
    for (const [id, operation] of Object.entries(operations)) {
      const { session: _old, ...rest } = operation as { session?: string };
      const session = sessions[service]?.[id];
      (table[service] as Record<string, object>)[id] = session ? { ...rest, session } : rest;
    }
  }
  return table as unknown as OperationTable;
}

describe('session handling follows x-session in the spec', () => {
  test('an answer carrying a token pair is stored only when its operation issues or refreshes a session', async () => {
    const tokenStore = memoryTokenStore();
    // Every answer carries a pair; only login is declared to issue one.
    const api = createClientFor<ServiceOperations>(operationTable, { baseUrl: 'http://x', tokenStore, fetch: async () => json(200, pair(7)) });
    await api.shop.getProduct({ params: { productId: 'prd_1' } });
    expect(tokenStore.get()).toBeUndefined();
    await api.auth.login({ body: { email: 'a@example.com', password: 'p' } });
    expect(tokenStore.get()).toEqual({ accessToken: 'access-7', refreshToken: 'refresh-7' });
  });

  test('the operations are found by their metadata, not by their names', async () => {
    // A spec where `auth.logout` issues sessions, `shop.createProduct` refreshes them and `shop.deleteProduct` ends them.
    const table = withSessions({ auth: { logout: 'issues' }, shop: { createProduct: 'refreshes', deleteProduct: 'revokes' } });
    const tokenStore = memoryTokenStore();
    const paths: string[] = [];
    let generation = 0;
    const api = createClientFor<ServiceOperations>(table as typeof operationTable, {
      baseUrl: 'http://x',
      tokenStore,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const path = `${request.method} ${new URL(request.url).pathname}`;
        paths.push(path);
        if (path === 'POST /auth/logout' || path === 'POST /auth/login') return json(200, pair(++generation));
        if (path === 'POST /shop/products') return json(201, pair(++generation));
        if (path.startsWith('DELETE')) return new Response(null, { status: 204 });
        if (request.headers.get('authorization') !== `Bearer access-${generation}`) {
          return new Response(JSON.stringify({ type: 'about:blank', title: 'expired', status: 401, code: 'TOKEN_EXPIRED' }), {
            status: 401,
            headers: { 'content-type': 'application/problem+json' },
          });
        }
        return json(200, { id: 'prd_1' });
      },
    });
    await api.auth.logout();
    expect(tokenStore.get()?.accessToken).toBe('access-1');
    // auth.login answers a pair too, but this spec does not say it issues one.
    await api.auth.login({ body: { email: 'a@example.com', password: 'p' } });
    expect(tokenStore.get()?.accessToken).toBe('access-1');
    await api.shop.getProduct({ params: { productId: 'prd_1' } }); // 401 → refresh through createProduct → retry
    expect(paths.slice(-3)).toEqual(['GET /shop/products/prd_1', 'POST /shop/products', 'GET /shop/products/prd_1']);
    expect(tokenStore.get()?.accessToken).toBe('access-3');
    await api.shop.deleteProduct({ params: { productId: 'prd_1' } });
    expect(tokenStore.get()).toBeUndefined();
  });

  test('a revoking operation drops the tokens even when it fails', async () => {
    const tokenStore = memoryTokenStore({ accessToken: 'a', refreshToken: 'r' });
    const api = createClientFor<ServiceOperations>(operationTable, { baseUrl: 'http://x', tokenStore, fetch: async () => json(500, {}) });
    await expect(api.auth.logout()).rejects.toMatchObject({ status: 500 });
    expect(tokenStore.get()).toBeUndefined();
  });
});

describe('middleware', () => {
  test('onRequest may change or replace the request, onResponse the response; they run in order and in reverse', async () => {
    const order: string[] = [];
    const seen: Request[] = [];
    const tagging: Middleware = {
      onRequest({ request, service, operationId }) {
        order.push(`tag request ${service}.${operationId}`);
        request.headers.set('x-trace-id', 'trace-1');
      },
      onResponse({ response }) {
        order.push('tag response');
        return new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json', 'x-tagged': 'yes' } });
      },
    };
    const rewriting: Middleware = {
      onRequest({ request }) {
        order.push('rewrite request');
        return new Request(request.url.replace('http://x', 'http://y'), request);
      },
      async onResponse({ response }) {
        order.push('rewrite response');
        const body = (await response.json()) as { id: string };
        return json(response.status, { ...body, name: 'rewritten' });
      },
    };
    const api = createClientFor<ServiceOperations>(operationTable, {
      baseUrl: 'http://x',
      middleware: [tagging, rewriting],
      fetch: async (input) => {
        seen.push(input as Request);
        return json(200, { id: 'prd_1', name: 'Kopi' });
      },
    });
    expect(await api.shop.getProduct({ params: { productId: 'prd_1' } })).toEqual({ id: 'prd_1', name: 'rewritten' });
    expect(seen[0]?.url).toBe('http://y/shop/products/prd_1');
    expect(seen[0]?.headers.get('x-trace-id')).toBe('trace-1');
    expect(seen[0]?.redirect).toBe('manual');
    expect(order).toEqual(['tag request shop.getProduct', 'rewrite request', 'rewrite response', 'tag response']);
  });

  test('a token refresh and the retry after it go through the middleware too', async () => {
    const calls: string[] = [];
    let generation = 1;
    const tokenStore = memoryTokenStore({ accessToken: 'access-0', refreshToken: 'refresh-1' });
    const api = createClientFor<ServiceOperations>(operationTable, {
      baseUrl: 'http://x',
      tokenStore,
      middleware: [{ onRequest: ({ service, operationId }) => void calls.push(`${service}.${operationId}`) }],
      fetch: async (input) => {
        const request = input as Request;
        if (new URL(request.url).pathname === '/auth/refresh') return json(200, pair(++generation));
        if (request.headers.get('authorization') === `Bearer access-${generation}`) return json(200, { id: 'prd_1' });
        return new Response(JSON.stringify({ type: 'about:blank', title: 'expired', status: 401, code: 'TOKEN_EXPIRED' }), {
          status: 401,
          headers: { 'content-type': 'application/problem+json' },
        });
      },
    });
    await api.shop.getProduct({ params: { productId: 'prd_1' } });
    expect(calls).toEqual(['shop.getProduct', 'auth.refreshToken', 'shop.getProduct']);
  });
});
