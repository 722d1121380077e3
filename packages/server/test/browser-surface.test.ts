import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOCALHOST_ORIGINS } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';
import { echoPlugin } from './fixtures/echo-plugin.js';

// What a browser (or curl) meets at the root, the reference, and a preflight.
let plain: TestServer;
let demo: TestServer;
beforeAll(async () => {
  plain = await createTestServer({ plugins: [echoPlugin()] });
  demo = await createTestServer({
    plugins: [echoPlugin()],
    corsOrigins: LOCALHOST_ORIGINS,
    landingPage: { demoAccounts: [{ role: 'customer', email: 'customer@demo.tokobapak.dev', password: 'demo-shopper-password' }] },
  });
});
afterAll(async () => {
  await plain?.close();
  await demo?.close();
});

describe('the landing page', () => {
  test('/ says what runs and links to the reference and health; demo accounts only when given', async () => {
    const page = await plain.app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    for (const link of ['href="/docs"', 'href="/health"', 'href="/docs/json"']) expect(page.body).toContain(link);
    expect(page.body).toContain('<code>echo</code>');
    expect(page.body).not.toContain('Demo accounts');
    const withDemo = await demo.app.inject({ method: 'GET', url: '/' });
    expect(withDemo.body).toContain('Demo accounts');
    expect(withDemo.body).toContain('customer@demo.tokobapak.dev');
    const facts = await plain.app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(facts.json()).toMatchObject({ name: 'TokoBapak', services: [{ name: 'echo' }], demoAccounts: [] });
  });
});

describe('the API reference', () => {
  test('branded, grouped by service, with the credential of each operation, servers and a licence', async () => {
    const document = (await plain.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(document.info).toMatchObject({ title: 'TokoBapak API', license: { name: 'MIT', identifier: 'MIT' } });
    expect(document.servers).toEqual([{ url: '/', description: 'this store' }]);
    expect(document['x-tagGroups'][0].name).toBe('echo');
    for (const item of Object.values(document.paths) as Array<Record<string, { tags: string[]; description: string }>>) {
      for (const operation of Object.values(item)) {
        expect(operation.tags.every((tag) => tag.startsWith('echo'))).toBe(true);
        expect(operation.description).toMatch(/^\*\*Credential:\*\* /);
      }
    }
    const store = document.paths['/echo/store'].get;
    expect(store.description).toContain('a store session (`auth.selectStore`) with role manager or above, or an API key (`X-Api-Key`) with `store:read`');
    const html = await plain.app.inject({ method: 'GET', url: '/docs' });
    expect(html.body).toContain('<title>TokoBapak API reference</title>');
  });
});

describe('cross-origin calls', () => {
  const preflight = (server: TestServer, origin: string) =>
    server.app.inject({
      method: 'OPTIONS',
      url: '/echo/items',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  test('without CORS configured, a preflight gets a problem saying how to enable it, not "No route for OPTIONS"', async () => {
    const response = await preflight(plain, 'http://localhost:5173');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'CORS_NOT_ENABLED' });
    expect(response.json().detail).toContain('TOKOBAPAK_CORS_ORIGINS');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('localhost origins are allowed on any port, other origins are not', async () => {
    const local = await preflight(demo, 'http://localhost:5173');
    expect(local.statusCode).toBe(204);
    expect(local.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect((await preflight(demo, 'http://127.0.0.1:3000')).headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
    expect((await preflight(demo, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(demo, 'http://localhost.evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

test('a preflight allows every method the API uses, not only the GET, HEAD and POST @fastify/cors allows by default', async () => {
  const response = await demo.app.inject({
    method: 'OPTIONS',
    url: '/echo/items',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
  });
  expect(response.statusCode).toBe(204);
  expect(String(response.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
});
