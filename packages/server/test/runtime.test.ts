import { createSigner } from 'fast-jwt';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestServer, expectProblemResponse, type TestServer } from '../src/testing/index.js';
import { echoPlugin } from './fixtures/echo-plugin.js';

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({ plugins: [echoPlugin()] });
});
afterAll(async () => {
  await server?.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'POST', url, payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });

describe('request validation', () => {
  test('a valid body is accepted and the response follows its schema', async () => {
    const response = await post('/echo/items', { name: 'kopi', quantity: 2 });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'kopi', quantity: 2 });
  });

  test('bodies are not coerced: a string where an integer belongs is refused', async () => {
    const response = await post('/echo/items', { name: 'kopi', quantity: '2' });
    expectProblemResponse(response, 400, 'VALIDATION_FAILED');
    expect(response.json().errors).toContainEqual({ pointer: '#/quantity', message: 'must be integer' });
  });

  test('unknown body properties are refused, not stripped', async () => {
    const response = await post('/echo/items', { name: 'kopi', quantity: 1, isAdmin: true });
    expectProblemResponse(response, 400, 'VALIDATION_FAILED');
    expect(response.json().errors).toContainEqual({ pointer: '#/isAdmin', message: 'is not an allowed property' });
  });

  test('malformed JSON and wrong media types are problems, not 500s', async () => {
    expectProblemResponse(await post('/echo/items', '{"name": '), 400, 'MALFORMED_JSON');
    const text = await server.app.inject({ method: 'POST', url: '/echo/items', payload: 'hello', headers: { 'content-type': 'text/plain' } });
    expectProblemResponse(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblemResponse(await post('/echo/items', '{"__proto__": {"polluted": true}, "name": "x", "quantity": 1}'), 400, 'MALFORMED_JSON');
  });

  test('query and path parameters are coerced from strings, and wrong types are refused', async () => {
    const ok = await server.app.inject({ method: 'GET', url: '/echo/items?limit=1' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().limit).toBe(1);
    expectProblemResponse(await server.app.inject({ method: 'GET', url: '/echo/items?limit=lots' }), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await server.app.inject({ method: 'GET', url: '/echo/items/abc' }), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await server.app.inject({ method: 'GET', url: '/echo/items/999' }), 404, 'ECHO_ITEM_NOT_FOUND');
  });
});

describe('security', () => {
  test('an operation with security refuses anonymous callers before its handler', async () => {
    expectProblemResponse(await server.app.inject({ method: 'GET', url: '/echo/me' }), 401, 'UNAUTHENTICATED');
    expectProblemResponse(await server.app.inject({ method: 'GET', url: '/echo/me', headers: { authorization: 'Bearer nonsense' } }), 401, 'UNAUTHENTICATED');
  });

  test('access tokens and service credentials establish the caller', async () => {
    const token = server.tokens.signAccessToken({ userId: 'usr_1', role: 'customer', sessionId: 'ses_1' });
    const asUser = await server.app.inject({ method: 'GET', url: '/echo/me', headers: { authorization: `Bearer ${token}` } });
    expect(asUser.json()).toEqual({ kind: 'user', id: 'usr_1' });
    const asService = await server.app.inject({ method: 'GET', url: '/echo/me', headers: { 'x-service-credential': server.tokens.signServiceToken('cart') } });
    expect(asService.json()).toEqual({ kind: 'service', id: 'cart' });
  });

  test('a role scope is enforced: customers get 403, admins pass', async () => {
    const customer = server.tokens.signAccessToken({ userId: 'usr_1', role: 'customer', sessionId: 'ses_1' });
    const admin = server.tokens.signAccessToken({ userId: 'usr_2', role: 'admin', sessionId: 'ses_2' });
    expectProblemResponse(
      await server.app.inject({ method: 'DELETE', url: '/echo/admin', headers: { authorization: `Bearer ${customer}` } }),
      403,
      'FORBIDDEN',
    );
    expect((await server.app.inject({ method: 'DELETE', url: '/echo/admin', headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(204);
  });

  test('store scopes: a store session of at least the named role passes; others are refused', async () => {
    const session = (storeRole: 'owner' | 'manager' | 'staff' | null) =>
      server.tokens.signAccessToken({ userId: 'usr_1', role: 'customer', sessionId: 'ses_1', storeId: storeRole ? 'sto_a' : null, storeRole });
    const call = (token: string) => server.app.inject({ method: 'GET', url: '/echo/store', headers: { authorization: `Bearer ${token}` } });
    expect((await call(session('owner'))).json()).toEqual({ storeId: 'sto_a', role: 'owner' });
    expect((await call(session('manager'))).json()).toEqual({ storeId: 'sto_a', role: 'manager' });
    expectProblemResponse(await call(session('staff')), 403, 'FORBIDDEN');
    const outside = await call(session(null));
    // A person outside any store is told the two ways in, not only which scope is missing.
    expectProblemResponse(outside, 403, 'STORE_CONTEXT_REQUIRED');
    expect(outside.json().detail).toMatch(/auth\.selectStore.*actAsStore.*store-scoped API key/);
  });

  test('a service credential is not an access token, and the reverse', async () => {
    const service = server.tokens.signServiceToken('cart');
    expectProblemResponse(
      await server.app.inject({ method: 'DELETE', url: '/echo/admin', headers: { authorization: `Bearer ${service}` } }),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('responses', () => {
  test('fields outside the response schema never leave the server', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/echo/leaky' });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('passwordHash');
    expect(response.body).not.toContain('argon2');
  });

  test('an unexpected error is a bare 500 problem without message or stack', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/echo/boom' });
    expectProblemResponse(response, 500, 'INTERNAL');
    expect(response.body).not.toContain('hunter2');
  });

  test('unknown routes are 404 problems and every response carries a request id', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/nowhere' });
    expectProblemResponse(response, 404, 'NOT_FOUND');
    expect(response.headers['x-request-id']).toMatch(/^req_/);
  });
});

describe('idempotency keys', () => {
  test('a retried request with the same key replays the first response', async () => {
    const first = await post('/echo/items', { name: 'teh', quantity: 1 }, { 'idempotency-key': 'k-1' });
    const second = await post('/echo/items', { name: 'teh', quantity: 1 }, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
  });

  test('the same key with a different request is refused', async () => {
    await post('/echo/items', { name: 'gula', quantity: 1 }, { 'idempotency-key': 'k-2' });
    expectProblemResponse(await post('/echo/items', { name: 'garam', quantity: 1 }, { 'idempotency-key': 'k-2' }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('concurrent requests with one key create one item', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => post('/echo/items', { name: 'susu', quantity: 1 }, { 'idempotency-key': 'k-3' })));
    const ids = new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.json().id));
    expect(ids.size).toBe(1);
    for (const response of responses) expect([201, 409]).toContain(response.statusCode);
  });

  test('a key left in progress by a server that died is taken over by a retry once its lease ran out, and only then', async () => {
    const request = () => post('/echo/items', { name: 'kopi', quantity: 1 }, { 'idempotency-key': 'k-4' });
    expect((await request()).statusCode).toBe(201);
    // What a server killed mid-request leaves: no answer, and its lease on the key.
    const leave = (leaseUntil: ReturnType<typeof sql>) =>
      sql`update tokobapak.idempotency_keys set status = null, response = null, owner = 'gone/1/run', lease_until = ${leaseUntil} where key = 'k-4'`.execute(
        server.database.db,
      );
    await leave(sql`now() + interval '1 minute'`);
    expectProblemResponse(await request(), 409, 'IDEMPOTENCY_IN_PROGRESS');
    await leave(sql`now() - interval '1 second'`);
    const concurrent = await Promise.all(Array.from({ length: 5 }, request));
    // One runs the request again; the others wait for it (409) or replay its answer.
    const ran = concurrent.filter((response) => response.statusCode === 201 && response.headers['idempotent-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    for (const response of concurrent) {
      if (response.statusCode === 201) expect(response.json()).toEqual(ran[0]?.json());
      else expectProblemResponse(response, 409, 'IDEMPOTENCY_IN_PROGRESS');
    }
    const replay = await request();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(ran[0]?.json());
  });
});

describe('CORS', () => {
  test('is off by default and allows exactly the configured origins', async () => {
    const closed = await server.app.inject({
      method: 'OPTIONS',
      url: '/echo/items',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();

    const open = await createTestServer({ plugins: [echoPlugin()], corsOrigins: ['https://shop.example'] });
    try {
      const preflight = await open.app.inject({
        method: 'OPTIONS',
        url: '/echo/items',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(String(preflight.headers['access-control-allow-headers'])).toContain('idempotency-key');
      // Conditional GETs from browser code: If-None-Match may be sent, and the ETag read back.
      expect(String(preflight.headers['access-control-allow-headers'])).toContain('if-none-match');
      const simple = await open.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://shop.example' } });
      expect(String(simple.headers['access-control-expose-headers'])).toContain('etag');
      const other = await open.app.inject({
        method: 'OPTIONS',
        url: '/echo/items',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});

describe('platform endpoints', () => {
  test('/health reports the database and services', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/health' });
    expect(response.json()).toMatchObject({ status: 'ok', services: ['echo'] });
  });

  test('/metrics is Prometheus text with per-route counters', async () => {
    await server.app.inject({ method: 'GET', url: '/echo/items' });
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/tokobapak_http_requests_total\{method="GET",route="\/echo\/items",status="200"\} \d+/);
  });

  test('/docs serves the reference page and the merged spec', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
    const spec = await server.app.inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(spec.json().paths)).toContain('/echo/items');
  });
});

describe('hardened platform endpoints and tokens (a server with a known secret and a metrics token)', () => {
  const secret = 'a-known-test-secret-of-at-least-32-bytes';
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await createTestServer({ plugins: [echoPlugin()], secret, metricsToken: 'scrape-me-please' });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  test('an access token without exp is refused, though signed with the right key', async () => {
    const sign = createSigner({ key: `${secret}:access`, algorithm: 'HS256', iss: 'tokobapak', aud: 'access', noTimestamp: true });
    const forever = sign({ sub: 'usr_1', role: 'customer', sid: 'ses_1' });
    const response = await guarded.app.inject({ method: 'GET', url: '/echo/me', headers: { authorization: `Bearer ${forever}` } });
    expectProblemResponse(response, 401, 'UNAUTHENTICATED');
    // The same claims with an expiry pass, so the refusal is about exp alone.
    const expiring = sign({ sub: 'usr_1', role: 'customer', sid: 'ses_1', exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await guarded.app.inject({ method: 'GET', url: '/echo/me', headers: { authorization: `Bearer ${expiring}` } })).statusCode).toBe(200);
  });

  test('with metricsToken, /metrics wants it as a bearer token', async () => {
    expectProblemResponse(await guarded.app.inject({ method: 'GET', url: '/metrics' }), 401, 'UNAUTHENTICATED');
    expectProblemResponse(
      await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me-not' } }),
      401,
      'UNAUTHENTICATED',
    );
    const user = guarded.tokens.signAccessToken({ userId: 'usr_1', role: 'admin', sessionId: 'ses_1' });
    expectProblemResponse(await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${user}` } }), 401, 'UNAUTHENTICATED');
    const scraped = await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me-please' } });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('tokobapak_http_requests_total');
  });
});

describe('plugin shape', () => {
  test('a plugin missing a handler fails at start-up, naming it', async () => {
    const broken = echoPlugin();
    delete (broken.handlers as Record<string, unknown>).boom;
    await expect(createTestServer({ plugins: [broken] })).rejects.toThrow(/no handler for: boom/);
  });

  test('a handler for an operation the spec does not declare fails at start-up', async () => {
    const broken = echoPlugin({ handlers: { extraThing: async () => ({}) } as never });
    await expect(createTestServer({ plugins: [broken] })).rejects.toThrow(/does not declare: extraThing/);
  });
});

describe('shutdown', () => {
  test('close waits for a handler that is still running before it closes the database', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let rowsSeen: unknown;
    const slow = await createTestServer({
      plugins: [
        echoPlugin({
          handlers: {
            async leaky(_request: unknown, ctx: { db: { selectFrom(table: string): { select(column: string): { execute(): Promise<unknown> } } } }) {
              await gate;
              rowsSeen = await ctx.db.selectFrom('items').select('id').execute();
              return { id: 1, name: 'x', quantity: 1 };
            },
          } as never,
        }),
      ],
    });
    // inject() holds no socket, like a client that hung up: app.close() alone would not wait for it.
    const pending = slow.app.inject({ method: 'GET', url: '/echo/leaky' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = slow.close();
    setTimeout(release, 50);
    await closing;
    await pending;
    expect(rowsSeen).toEqual([]);
  });
});
