import { describe, expect, test } from 'vitest';
import { type ClientOptions, createClientFor, memoryTokenStore, TokoBapakError } from '../src/index.js';
import { operationTable, type ServiceOperations } from './fixtures/generated/operations.js';

/** One request as the fake server saw it. */
interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  /** The parsed body: JSON, or the `FormData` a server would parse from a multipart body. */
  body: unknown;
  /** `init.body` exactly as the client handed it to fetch. */
  sent: unknown;
}

type Route = (request: Seen) => Response | Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const problem = (status: number, code: string, title = code) =>
  new Response(JSON.stringify({ type: `https://tokobapak.dev/problems/${code}`, title, status, code }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

/** A `fetch` that hands every request to `route` and records it; no sockets, no module mocks. */
function fakeFetch(route: Route): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const multipart = request.headers.get('content-type')?.startsWith('multipart/form-data');
    const text = multipart ? '' : await request.text();
    const body = multipart ? await request.formData() : text ? JSON.parse(text) : undefined;
    const entry: Seen = { method: request.method, url: new URL(request.url), headers: request.headers, body, sent: init?.body };
    seen.push(entry);
    return route(entry);
  };
  return { fetch: fetchImpl, seen };
}

const product = (id: string) => ({ id, name: `Product ${id}`, price: { amount: 15000, currency: 'IDR' }, createdAt: '2026-11-24T03:00:00.000Z' });

function client(route: Route, options: Partial<ClientOptions<keyof ServiceOperations>> = {}) {
  const fake = fakeFetch(route);
  return { ...fake, client: createClientFor<ServiceOperations>(operationTable, { baseUrl: 'https://api.example/', fetch: fake.fetch, ...options }) };
}

describe('requests', () => {
  test('builds method, URL, path parameters, query and JSON body', async () => {
    const { client: api, seen } = client((request) => (request.method === 'GET' ? json(200, product('prd 1/2')) : json(200, product('prd_1'))));
    await api.shop.getProduct({ params: { productId: 'prd 1/2' } });
    await api.shop.updateProduct({ params: { productId: 'prd_1' }, body: { name: 'Kopi' } });
    await api.shop.searchProducts({ query: { q: 'kopi susu', limit: 5 } });

    expect(seen.map((request) => `${request.method} ${request.url.href}`)).toEqual([
      'GET https://api.example/shop/products/prd%201%2F2',
      'PATCH https://api.example/shop/products/prd_1',
      'GET https://api.example/shop/products/search?q=kopi+susu&limit=5',
    ]);
    expect(seen[1]?.body).toEqual({ name: 'Kopi' });
    expect(seen[1]?.headers.get('content-type')).toBe('application/json');
    expect(seen[0]?.headers.get('content-type')).toBeNull();
    expect(seen[0]?.headers.get('accept')).toContain('application/json');
  });

  test('sends the configured credentials and headers; per-call headers win', async () => {
    let credentials = 0;
    const { client: api, seen } = client(() => json(200, { results: [] }), {
      apiKey: 'tbk_live_secret',
      serviceCredential: () => `svc-${++credentials}`,
      accessToken: 'static-token',
      headers: { 'x-request-source': 'test', 'accept-language': 'id-ID' },
    });
    await api.shop.searchProducts({ query: { q: 'a' }, headers: { 'accept-language': 'en' } });
    await api.shop.searchProducts({ query: { q: 'b' } });

    const [first, second] = seen;
    expect(first?.headers.get('x-api-key')).toBe('tbk_live_secret');
    expect(first?.headers.get('x-service-credential')).toBe('svc-1');
    expect(second?.headers.get('x-service-credential')).toBe('svc-2'); // asked per request
    expect(first?.headers.get('authorization')).toBe('Bearer static-token');
    expect(first?.headers.get('x-request-source')).toBe('test');
    expect(first?.headers.get('accept-language')).toBe('en');
    expect(second?.headers.get('accept-language')).toBe('id-ID');
  });

  test('routes each service to its own base URL', async () => {
    const { client: api, seen } = client(() => json(200, product('prd_1')), {
      baseUrl: { shop: 'http://shop.internal:3001', auth: 'http://auth.internal:3002' },
    });
    await api.shop.getProduct({ params: { productId: 'prd_1' } });
    expect(seen[0]?.url.origin).toBe('http://shop.internal:3001');

    const partial = client(() => json(200, {}), { baseUrl: { auth: 'http://auth.internal' } });
    await expect(partial.client.shop.getProduct({ params: { productId: 'x' } })).rejects.toThrow('no baseUrl for service "shop"');
  });
});

describe('responses', () => {
  test('resolves the success body, undefined for 204 and { location } for a redirect', async () => {
    const { client: api } = client((request) => {
      if (request.method === 'DELETE') return new Response(null, { status: 204 });
      if (request.url.pathname.startsWith('/auth/oidc/'))
        return new Response(null, { status: 302, headers: { location: 'https://idp.example/authorize?state=s1' } });
      return json(201, product('prd_new'));
    });
    expect(await api.shop.createProduct({ body: { name: 'Teh', price: { amount: 8000, currency: 'IDR' } } })).toEqual(product('prd_new'));
    expect(await api.shop.deleteProduct({ params: { productId: 'prd_1' } })).toBeUndefined();
    expect(await api.auth.startOidcLogin({ params: { provider: 'google' } })).toEqual({ location: 'https://idp.example/authorize?state=s1' });
  });

  test('asks fetch not to follow redirects', async () => {
    let redirect: RequestRedirect | undefined;
    const api = createClientFor<ServiceOperations>(operationTable, {
      baseUrl: 'http://x',
      fetch: async (_input, init) => {
        redirect = init?.redirect;
        return new Response(null, { status: 302, headers: { location: 'https://idp.example/' } });
      },
    });
    await api.auth.startOidcLogin({ params: { provider: 'google' } });
    expect(redirect).toBe('manual');
  });

  test('says so when a browser hides the redirect target', async () => {
    const opaque = Object.defineProperty(Response.error(), 'type', { value: 'opaqueredirect' });
    const api = createClientFor<ServiceOperations>(operationTable, { baseUrl: 'http://x', fetch: async () => opaque });
    await expect(api.auth.startOidcLogin({ params: { provider: 'google' } })).rejects.toMatchObject({ code: 'REDIRECT_NOT_READABLE' });
  });

  test('throws TokoBapakError carrying the problem', async () => {
    const { client: api } = client(() => problem(404, 'SHOP_PRODUCT_NOT_FOUND', 'No such product'));
    const error = await api.shop.getProduct({ params: { productId: 'prd_x' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokoBapakError);
    expect(error).toMatchObject({
      name: 'TokoBapakError',
      status: 404,
      code: 'SHOP_PRODUCT_NOT_FOUND',
      operation: 'shop.getProduct',
      problem: { title: 'No such product', status: 404, code: 'SHOP_PRODUCT_NOT_FOUND' },
    });
    expect((error as Error).message).toBe('shop.getProduct failed with 404 SHOP_PRODUCT_NOT_FOUND: No such product');
  });

  test('gives a code even when the error body is not a problem', async () => {
    const { client: api } = client(() => new Response('upstream timed out', { status: 502, statusText: 'Bad Gateway' }));
    const error = (await api.shop.getProduct({ params: { productId: 'p' } }).catch((caught: unknown) => caught)) as TokoBapakError;
    expect(error.code).toBe('HTTP_502');
    expect(error.problem).toMatchObject({ status: 502, title: 'Bad Gateway', detail: 'upstream timed out' });
  });

  test('lets network errors through unchanged', async () => {
    const failure = new TypeError('fetch failed');
    const api = createClientFor<ServiceOperations>(operationTable, { baseUrl: 'http://x', fetch: () => Promise.reject(failure) });
    await expect(api.shop.getProduct({ params: { productId: 'p' } })).rejects.toBe(failure);
  });
});

describe('binary responses', () => {
  const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4]);
  const picture = (headers: Record<string, string> = {}) =>
    new Response(webp, { status: 200, headers: { 'content-type': 'image/webp', etag: '"v1"', 'cache-control': 'public, max-age=60', ...headers } });

  test('resolve to the bytes as a Blob, with the content type, ETag and headers', async () => {
    const { client: api, seen } = client(() => picture());
    const result = await api.shop.getProductPicture({ params: { productId: 'prd_1' } });
    if (result.notModified) throw new Error('expected the bytes');
    expect(result).toMatchObject({ notModified: false, status: 200, contentType: 'image/webp', etag: '"v1"' });
    expect(result.body).toBeInstanceOf(Blob);
    expect(result.body.type).toBe('image/webp');
    expect(new Uint8Array(await result.body.arrayBuffer())).toEqual(webp);
    expect(result.headers.get('cache-control')).toBe('public, max-age=60');
    expect(seen[0]?.headers.get('accept')).toBe('*/*');
  });

  test('a per-call Accept header wins', async () => {
    const { client: api, seen } = client(() => picture());
    await api.shop.getProductPicture({ params: { productId: 'prd_1' }, headers: { accept: 'image/avif, image/webp' } });
    expect(seen[0]?.headers.get('accept')).toBe('image/avif, image/webp');
  });

  test('text is binary too: a Blob, with the media type without its parameters', async () => {
    const csv = 'id,name\nprd_1,Kopi\n';
    const { client: api } = client(() => new Response(csv, { status: 200, headers: { 'content-type': 'Text/CSV; charset=utf-8' } }));
    const result = await api.shop.exportProducts();
    expect(result.contentType).toBe('text/csv');
    expect(result.headers.get('content-type')).toBe('Text/CSV; charset=utf-8');
    expect(result.etag).toBeUndefined();
    expect(await result.body.text()).toBe(csv);
  });

  test('a response without a content type is application/octet-stream', async () => {
    const { client: api } = client(() => new Response(new Uint8Array([1, 2, 3]), { status: 200 }));
    const result = await api.shop.exportProducts();
    expect(result.contentType).toBe('application/octet-stream');
    expect(result.body.size).toBe(3);
  });

  test('304 resolves to { notModified: true } where the spec declares it', async () => {
    const { client: api, seen } = client((request) =>
      request.headers.get('if-none-match') === '"v1"' ? new Response(null, { status: 304, headers: { etag: '"v1"' } }) : picture(),
    );
    const result = await api.shop.getProductPicture({ params: { productId: 'prd_1' }, headers: { 'if-none-match': '"v1"' } });
    expect(result).toEqual({ notModified: true, status: 304, etag: '"v1"', headers: expect.any(Headers) });
    expect(seen[0]?.headers.get('if-none-match')).toBe('"v1"');
  });

  test('304 still throws on an operation that does not declare it', async () => {
    const { client: api } = client(() => new Response(null, { status: 304 }));
    await expect(api.shop.getProduct({ params: { productId: 'p' }, headers: { 'if-none-match': '"x"' } })).rejects.toMatchObject({
      name: 'TokoBapakError',
      status: 304,
      code: 'HTTP_304',
    });
  });

  test('errors are TokoBapakError with the problem, as for JSON operations', async () => {
    const { client: api } = client(() => problem(404, 'SHOP_PRODUCT_NOT_FOUND', 'No such product'));
    const error = await api.shop.getProductPicture({ params: { productId: 'prd_x' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokoBapakError);
    expect(error).toMatchObject({ status: 404, code: 'SHOP_PRODUCT_NOT_FOUND', operation: 'shop.getProductPicture', problem: { title: 'No such product' } });
  });

  test('are retried after a token refresh like any call', async () => {
    let accepted = 'access-1';
    const { client: api } = client(
      (request) => {
        if (request.url.pathname === '/auth/refresh') {
          accepted = 'access-2';
          return json(200, { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 });
        }
        return request.headers.get('authorization') === `Bearer ${accepted}` ? picture() : problem(401, 'TOKEN_EXPIRED');
      },
      { tokenStore: memoryTokenStore({ accessToken: 'access-0', refreshToken: 'refresh-0' }) },
    );
    const result = await api.shop.exportProducts();
    expect(result.body.size).toBe(webp.length);
  });

  test('a table without a response kind (generated before it existed) reads JSON', async () => {
    const table = { shop: { getProduct: { method: 'GET', path: '/shop/products/{productId}', paginated: false, idempotent: false, body: 'json' } } } as const;
    const api = createClientFor<Pick<ServiceOperations, 'shop'>>(table, { baseUrl: 'http://x', fetch: async () => json(200, product('prd_1')) });
    expect(await api.shop.getProduct({ params: { productId: 'prd_1' } })).toEqual(product('prd_1'));
  });
});

/**
 * A fake auth service: `login` issues pair 1, `refreshToken` rotates to the next pair, and only
 * the newest access token is accepted (an older one gets 401 TOKEN_EXPIRED).
 */
function authServer(options: { holdFirst?: Promise<void> } = {}) {
  let generation = 0;
  let refreshes = 0;
  const pair = () => ({ accessToken: `access-${generation}`, refreshToken: `refresh-${generation}`, expiresIn: 900 });
  let held = false;
  const route: Route = async (request) => {
    const path = request.url.pathname;
    if (path === '/auth/login') {
      generation++;
      return json(200, pair());
    }
    if (path === '/auth/refresh') {
      refreshes++;
      const presented = (request.body as { refreshToken: string }).refreshToken;
      if (presented !== `refresh-${generation}`) return problem(401, 'AUTH_REFRESH_TOKEN_INVALID');
      await new Promise((resolve) => setTimeout(resolve, 5)); // long enough for concurrent 401s to pile up
      generation++;
      return json(200, pair());
    }
    if (options.holdFirst && !held) {
      held = true;
      await options.holdFirst;
    }
    if (request.headers.get('authorization') !== `Bearer access-${generation}`) return problem(401, 'TOKEN_EXPIRED');
    if (path === '/auth/logout') return new Response(null, { status: 204 });
    if (request.method === 'POST') return json(201, product('prd_new'));
    return json(200, product(path.split('/').pop() ?? ''));
  };
  return {
    route,
    refreshes: () => refreshes,
  };
}

describe('tokens', () => {
  test('login stores the pair, later requests carry it, logout clears it', async () => {
    const server = authServer();
    const tokenStore = memoryTokenStore();
    const { client: api, seen } = client(server.route, { tokenStore });
    await api.auth.login({ body: { email: 'ani@example.com', password: 'rahasia-sekali' } });
    expect(tokenStore.get()).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    expect(seen[0]?.headers.get('authorization')).toBeNull();

    await api.shop.getProduct({ params: { productId: 'prd_1' } });
    expect(seen[1]?.headers.get('authorization')).toBe('Bearer access-1');

    await api.auth.logout();
    expect(seen[2]?.headers.get('authorization')).toBe('Bearer access-1');
    expect(tokenStore.get()).toBeUndefined();
  });

  test('refreshes once on TOKEN_EXPIRED, shared by concurrent requests, and retries each once', async () => {
    const server = authServer();
    const tokenStore = memoryTokenStore();
    const { client: api, seen } = client(server.route, { tokenStore });
    await api.auth.login({ body: { email: 'ani@example.com', password: 'x' } });
    tokenStore.set({ accessToken: 'access-0', refreshToken: 'refresh-1' }); // the access token has expired

    const results = await Promise.all(['a', 'b', 'c'].map((id) => api.shop.getProduct({ params: { productId: id } })));
    expect(results.map((result) => result.id)).toEqual(['a', 'b', 'c']);
    expect(server.refreshes()).toBe(1);
    expect(tokenStore.get()).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    const refresh = seen.find((request) => request.url.pathname === '/auth/refresh');
    expect(refresh?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(refresh?.headers.get('authorization')).toBeNull(); // the stale token is not sent to refresh
    expect(seen.filter((request) => request.url.pathname.startsWith('/shop/')).map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer access-0',
      'Bearer access-0',
      'Bearer access-0',
      'Bearer access-2',
      'Bearer access-2',
      'Bearer access-2',
    ]);
  });

  test('a 401 that arrives after someone else refreshed retries without refreshing again', async () => {
    let release = () => {};
    const server = authServer({ holdFirst: new Promise<void>((resolve) => (release = resolve)) });
    const tokenStore = memoryTokenStore();
    const { client: api } = client(server.route, { tokenStore });
    await api.auth.login({ body: { email: 'ani@example.com', password: 'x' } });
    tokenStore.set({ accessToken: 'access-0', refreshToken: 'refresh-1' });

    const slow = api.shop.getProduct({ params: { productId: 'slow' } }); // held by the server
    await api.shop.getProduct({ params: { productId: 'fast' } }); // 401 → refresh → retry
    release();
    expect((await slow).id).toBe('slow');
    expect(server.refreshes()).toBe(1);
  });

  test('a rejected refresh token ends the session and surfaces the original error', async () => {
    const server = authServer();
    const tokenStore = memoryTokenStore({ accessToken: 'access-stale', refreshToken: 'refresh-stolen' });
    const { client: api } = client(server.route, { tokenStore });
    const error = (await api.shop.getProduct({ params: { productId: 'p' } }).catch((caught: unknown) => caught)) as TokoBapakError;
    expect(error).toBeInstanceOf(TokoBapakError);
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect((error.cause as TokoBapakError).code).toBe('AUTH_REFRESH_TOKEN_INVALID');
    expect(tokenStore.get()).toBeUndefined();
  });

  test('does not refresh when autoRefresh is off or the 401 has another code', async () => {
    const server = authServer();
    const tokenStore = memoryTokenStore({ accessToken: 'access-stale', refreshToken: 'refresh-0' });
    const off = client(server.route, { tokenStore, autoRefresh: false });
    await expect(off.client.shop.getProduct({ params: { productId: 'p' } })).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(server.refreshes()).toBe(0);

    const other = client(() => problem(401, 'UNAUTHENTICATED'), { tokenStore });
    await expect(other.client.shop.getProduct({ params: { productId: 'p' } })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(other.seen).toHaveLength(1);
  });
});

describe('idempotency', () => {
  test('sends a fresh key, or the caller’s, on idempotent operations only', async () => {
    const { client: api, seen } = client((request) => (request.method === 'POST' ? json(201, product('p')) : json(200, product('p'))));
    const body = { name: 'Teh', price: { amount: 8000, currency: 'IDR' } };
    await api.shop.createProduct({ body });
    await api.shop.createProduct({ body });
    await api.shop.createProduct({ body, idempotencyKey: 'order-42-item-1' });
    await api.shop.getProduct({ params: { productId: 'p' } });

    const keys = seen.map((request) => request.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe('order-42-item-1');
    expect(keys[3]).toBeNull();
  });

  test('makes a v4 UUID where crypto.randomUUID is missing (insecure browser contexts)', async () => {
    const { client: api, seen } = client(() => json(201, product('p')));
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      await api.shop.createProduct({ body: { name: 'Teh', price: { amount: 8000, currency: 'IDR' } } });
    } finally {
      Reflect.deleteProperty(globalThis.crypto, 'randomUUID'); // the prototype's method shows through again
    }
    expect(seen[0]?.headers.get('idempotency-key')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(typeof globalThis.crypto.randomUUID).toBe('function');
  });

  test('a retry after a token refresh reuses the same key', async () => {
    const server = authServer();
    const tokenStore = memoryTokenStore();
    const { client: api, seen } = client(server.route, { tokenStore });
    await api.auth.login({ body: { email: 'ani@example.com', password: 'x' } });
    tokenStore.set({ accessToken: 'access-0', refreshToken: 'refresh-1' });

    await api.shop.createProduct({ body: { name: 'Teh', price: { amount: 8000, currency: 'IDR' } } });
    const attempts = seen.filter((request) => request.url.pathname === '/shop/products');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.headers.get('idempotency-key')).toBeTruthy();
    expect(attempts[1]?.headers.get('idempotency-key')).toBe(attempts[0]?.headers.get('idempotency-key'));
  });
});

describe('multipart bodies', () => {
  const fileOf = (form: unknown, name: string) => (form as FormData).get(name) as File;

  test('are sent as FormData: Blobs, Files and bytes as file parts, the rest as text fields', async () => {
    const { client: api, seen } = client(() => json(201, { id: 'img_1' }));
    const picture = new File([new Uint8Array([1, 2, 3])], 'kopi.png', { type: 'image/png' });
    await api.shop.uploadProductImage({
      params: { productId: 'prd_1' },
      body: { file: picture, raw: new Uint8Array([9, 8, 7, 6]), alt: 'Kopi susu', position: 2 },
    });

    const [request] = seen;
    expect(request?.sent).toBeInstanceOf(FormData);
    expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/); // set by fetch, with its boundary
    const form = request?.body as FormData;
    expect([...form.keys()]).toEqual(['file', 'raw', 'alt', 'position']);
    expect(fileOf(form, 'file')).toMatchObject({ name: 'kopi.png', type: 'image/png', size: 3 });
    expect(new Uint8Array(await fileOf(form, 'raw').arrayBuffer())).toEqual(new Uint8Array([9, 8, 7, 6]));
    expect(fileOf(form, 'raw').name).toBe('raw'); // bytes are named after their field
    expect(form.get('alt')).toBe('Kopi susu');
    expect(form.get('position')).toBe('2');
    expect(request?.headers.get('idempotency-key')).toBeTruthy();
  });

  test('take a bare Blob or an ArrayBuffer, leave out undefined fields, and ignore a configured JSON content type', async () => {
    const { client: api, seen } = client(() => json(201, { id: 'img_1' }), { headers: { 'content-type': 'application/json' } });
    await api.shop.uploadProductImage({ params: { productId: 'prd_1' }, body: { file: new Blob(['png bytes'], { type: 'image/png' }), alt: undefined } });
    await api.shop.uploadProductImage({ params: { productId: 'prd_1' }, body: { file: new Uint8Array([1, 2]).buffer as any } });

    const [blob, buffer] = seen.map((request) => request.body as FormData);
    expect(seen.map((request) => request.headers.get('content-type'))).toEqual([
      expect.stringMatching(/^multipart\/form-data/),
      expect.stringMatching(/^multipart\/form-data/),
    ]);
    expect([...(blob?.keys() ?? [])]).toEqual(['file']);
    expect(fileOf(blob, 'file')).toMatchObject({ name: 'blob', type: 'image/png' });
    expect(await fileOf(blob, 'file').text()).toBe('png bytes');
    expect(fileOf(buffer, 'file')).toMatchObject({ name: 'file', size: 2 });
  });

  test('a retry after a token refresh sends a freshly built FormData with the same idempotency key', async () => {
    const server = authServer();
    const tokenStore = memoryTokenStore();
    const { client: api, seen } = client(server.route, { tokenStore });
    await api.auth.login({ body: { email: 'ani@example.com', password: 'x' } });
    tokenStore.set({ accessToken: 'access-0', refreshToken: 'refresh-1' });

    await api.shop.uploadProductImage({ params: { productId: 'prd_1' }, body: { file: new File(['abc'], 'a.jpg', { type: 'image/jpeg' }), alt: 'A' } });
    const attempts = seen.filter((request) => request.url.pathname === '/shop/products/prd_1/images');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.sent).toBeInstanceOf(FormData);
    expect(attempts[1]?.sent).not.toBe(attempts[0]?.sent);
    for (const attempt of attempts) {
      expect(await fileOf(attempt.body, 'file').text()).toBe('abc');
      expect((attempt.body as FormData).get('alt')).toBe('A');
    }
    expect(attempts[1]?.headers.get('authorization')).toBe('Bearer access-2');
    expect(attempts[1]?.headers.get('idempotency-key')).toBe(attempts[0]?.headers.get('idempotency-key'));
  });

  test('refuse a body that is not an object', async () => {
    const { client: api, seen } = client(() => json(201, { id: 'img_1' }));
    await expect(api.shop.uploadProductImage({ params: { productId: 'p' }, body: 'file' as any })).rejects.toThrow('a multipart body must be an object');
    expect(seen).toHaveLength(0);
  });
});

describe('iterate', () => {
  test('follows nextCursor across pages until it is null', async () => {
    const pages: Record<string, { items: ReturnType<typeof product>[]; nextCursor: string | null }> = {
      start: { items: [product('p1'), product('p2')], nextCursor: 'c2' },
      c2: { items: [product('p3'), product('p4')], nextCursor: 'c3' },
      c3: { items: [product('p5')], nextCursor: null },
    };
    const { client: api, seen } = client((request) => json(200, pages[request.url.searchParams.get('cursor') ?? 'start']));
    const ids: string[] = [];
    for await (const item of api.shop.listProducts.iterate({ query: { limit: 2 } })) ids.push(item.id);

    expect(ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(seen.map((request) => request.url.search)).toEqual(['?limit=2', '?limit=2&cursor=c2', '?limit=2&cursor=c3']);
  });

  test('stops fetching when the consumer stops', async () => {
    const { client: api, seen } = client(() => json(200, { items: [product('p1'), product('p2')], nextCursor: 'more' }));
    for await (const item of api.shop.listProducts.iterate()) {
      if (item.id === 'p1') break;
    }
    expect(seen).toHaveLength(1);
  });

  test('exists only on paginated operations', () => {
    const { client: api } = client(() => json(200, {}));
    expect(typeof api.shop.listProducts.iterate).toBe('function');
    expect('iterate' in api.shop.getProduct).toBe(false);
  });
});
