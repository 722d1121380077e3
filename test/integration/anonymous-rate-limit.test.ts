import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import { newId } from '@tokobapak/server';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The per-IP limit on anonymous calls, over real HTTP on 127.0.0.1: guests are counted per address
// (X-Forwarded-For, as the server trusts its proxy here), the quote operation has its own budget,
// callers with a session (where the operation reads it) and non-API routes are not counted, and a
// refusal is a 429 problem with Retry-After.

const PASSWORD = 'kopi-tubruk-pagi-hari-99';
let server: TestServer;
let url: string;
let token: string;
const STORE = newId('sto');

beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      inventoryPlugin(),
      cartPlugin(),
      shippingPlugin(),
    ],
    trustProxy: true,
    rateLimit: { max: 5, windowSeconds: 60, operations: { quoteShippingRates: { max: 2, windowSeconds: 60 } } },
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  await server.client().user.register({ body: { email: 'ani@toko.example', password: PASSWORD, name: 'Ani' } });
  token = (await server.client().auth.login({ body: { email: 'ani@toko.example', password: PASSWORD } })).accessToken;
});
afterAll(async () => {
  await server?.close();
});

function call(ip: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}${path}`, {
    method,
    headers: { 'x-forwarded-for': ip, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const listProducts = (ip: string, headers: Record<string, string> = {}) => call(ip, 'GET', '/inventory/products', undefined, headers);
const createCart = (ip: string) => call(ip, 'POST', '/cart/carts', {});
const quote = (ip: string) =>
  call(ip, 'POST', '/shipping/quotes', {
    storeId: STORE,
    destination: { postalCode: '12190', countryCode: 'ID' },
    items: [{ weight: 250, quantity: 1 }],
    currency: 'IDR',
  });

describe('the anonymous rate limit', () => {
  test('a guest address gets its budget across public operations, then 429 RATE_LIMITED with Retry-After; another address is not affected', async () => {
    const ip = '203.0.113.10';
    const statuses: number[] = [];
    for (const request of [listProducts, createCart, listProducts, createCart, listProducts]) statuses.push((await request(ip)).status);
    expect(statuses).toEqual([200, 201, 200, 201, 200]);
    const refused = await createCart(ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((await listProducts(ip)).status).toBe(429);
    expect((await listProducts('203.0.113.11')).status).toBe(200);
  });

  test('quotes have their own, smaller budget, counted apart from the other operations', async () => {
    const ip = '203.0.113.20';
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await quote(ip)).status);
    // The store has no settings, so a quote is a 200 with no options; the third is over budget.
    expect(statuses).toEqual([200, 200, 429]);
    expect((await listProducts(ip)).status).toBe(200);
  });

  test('concurrent guests from one address get exactly the budget', async () => {
    const ip = '203.0.113.30';
    const answers = await Promise.all(Array.from({ length: 20 }, () => listProducts(ip)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  test('a signed-in caller of an operation that checks sessions, and the health route, are not counted', async () => {
    const ip = '203.0.113.40';
    for (let i = 0; i < 5; i += 1) expect((await createCart(ip)).status).toBe(201);
    expect((await createCart(ip)).status).toBe(429);
    const signedIn = () => call(ip, 'POST', '/cart/carts', {}, { authorization: `Bearer ${token}` });
    for (let i = 0; i < 8; i += 1) expect((await signedIn()).status).toBeLessThan(300);
    for (let i = 0; i < 8; i += 1) expect((await call(ip, 'GET', '/health')).status).toBe(200);
    // A forged token buys no way around the limit: it is refused outright.
    expect((await call(ip, 'POST', '/cart/carts', {}, { authorization: 'Bearer forged' })).status).toBe(401);
    // An operation open to everyone does not read sessions, so there everyone is a guest and counted.
    expect((await listProducts('203.0.113.41', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  test('a service (another process calling an open operation) is not counted; a forged service credential is', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 5; i += 1) expect((await listProducts(ip)).status).toBe(200);
    expect((await listProducts(ip)).status).toBe(429);
    const credential = server.tokens.signServiceToken('cart');
    for (let i = 0; i < 8; i += 1) expect((await listProducts(ip, { 'x-service-credential': credential })).status).toBe(200);
    expect((await listProducts(ip, { 'x-service-credential': `${credential.slice(0, -4)}AAAA` })).status).toBe(429);
  });
});
