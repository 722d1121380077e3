import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operationTable } from '@tokobapak/sdk';
import { afterEach, describe, expect, test } from 'vitest';
import { definePlugin, MissingServicesError, type Plugin } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';
import { echoPlugin } from './fixtures/echo-plugin.js';

/** A plugin with no operations whose spec declares the services it calls. */
function caller(name: string, calls: Record<string, { optional?: boolean; why?: string }>): Plugin {
  return definePlugin<Record<string, never>, unknown>({
    name,
    summary: 'Calls others',
    spec: { openapi: '3.1.0', info: { title: name, version: '0' }, paths: {}, 'x-calls': calls },
    handlers: {},
    migrations: {},
  });
}

const running: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of running.splice(0)) await item.close();
});
async function start(config: Parameters<typeof createTestServer>[0]): Promise<TestServer> {
  const server = await createTestServer(config);
  running.push(server);
  return server;
}

describe('declared dependencies (x-calls)', () => {
  test('a plugin calling a service that is neither loaded nor configured stops the start, naming both and the URL variable', async () => {
    const started = start({ plugins: [caller('checkout', { 'image-proxy': { why: 'Product pictures.' } })] });
    await expect(started).rejects.toBeInstanceOf(MissingServicesError);
    await expect(started).rejects.toThrow(
      'Cannot start: checkout calls image-proxy (Product pictures), which is neither loaded in this process nor configured: load image-proxy too, or set TOKOBAPAK_IMAGE_PROXY_URL (remoteServices.image-proxy) to its URL',
    );
    await expect(started).rejects.toMatchObject({ missing: [{ plugin: 'checkout', service: 'image-proxy', variable: 'TOKOBAPAK_IMAGE_PROXY_URL' }] });
  });

  test('the service loaded in the same process, or a URL for it, satisfies the declaration', async () => {
    await start({ plugins: [caller('checkout', { echo: {} }), echoPlugin()] });
    await start({ plugins: [caller('checkout', { echo: {} })], remoteServices: { echo: 'http://127.0.0.1:9' } });
  });

  test('an optional call does not stop the start', async () => {
    const server = await start({ plugins: [caller('checkout', { echo: { optional: true } })] });
    expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('the API key port', () => {
  const grant = { keyId: 'key_1', userId: 'usr_1', scopes: ['store:read'], storeId: 'sto_1' };

  test('a loaded plugin that provides it verifies keys in-process; the runtime names no service', async () => {
    const asked: string[] = [];
    const keys = definePlugin<Record<string, never>, unknown>({
      name: 'keys',
      summary: 'Verifies keys',
      spec: { openapi: '3.1.0', info: { title: 'keys', version: '0' }, paths: {} },
      handlers: {},
      migrations: {},
      provides: {
        apiKeyVerifier: () => async (key) => {
          asked.push(key);
          return key === 'good' ? grant : null;
        },
      },
    });
    const server = await start({ plugins: [echoPlugin(), keys], apiKeyCacheSeconds: 0 });
    const good = await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'good' } });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ storeId: 'sto_1', role: 'apiKey' });
    const bad = await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'bad' } });
    expect(bad.statusCode).toBe(401);
    expect(asked).toEqual(['good', 'bad']);
  });

  test('without a provider in the process, the operation declared x-provides is called at its configured URL', async () => {
    const requests: Array<{ url: string | undefined; body: string; credential: unknown }> = [];
    const remote: Server = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        requests.push({ url: request.url, body, credential: request.headers['x-service-credential'] });
        const known = JSON.parse(body).key === 'good';
        response.writeHead(known ? 200 : 401, { 'content-type': known ? 'application/json' : 'application/problem+json' });
        response.end(JSON.stringify(known ? grant : { type: 'about:blank', title: 'No', status: 401, code: 'AUTH_API_KEY_INVALID' }));
      });
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise((resolve) => remote.close(resolve)) });
    const remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;

    const server = await start({ plugins: [echoPlugin()], remoteServices: { auth: remoteUrl }, apiKeyCacheSeconds: 0 });
    expect((await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'good' } })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'bad' } })).statusCode).toBe(401);
    expect(requests.map((request) => request.url)).toEqual([operationTable.auth.verifyApiKey.path, operationTable.auth.verifyApiKey.path]);
    expect(requests[0]?.body).toBe('{"key":"good"}');
    expect(requests[0]?.credential).toEqual(expect.any(String));
  });

  test('a configured URL where nothing listens is answered 503 SERVICE_UNAVAILABLE, not 500', async () => {
    // A port that was just free and is closed again: connections to it are refused.
    const probe = createHttpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const server = await start({ plugins: [echoPlugin()], remoteServices: { auth: `http://127.0.0.1:${closedPort}` }, apiKeyCacheSeconds: 0 });
    const response = await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'good' } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringContaining('auth') });
    expect(response.json().detail).not.toContain(String(closedPort));
  });

  test('a configured URL that sends its status and headers and then stalls in its body is answered 503 SERVICE_UNAVAILABLE once the bound runs out, as a hung one is', async () => {
    // 200, its headers and the start of a grant, then nothing: alive, but stuck mid-answer.
    const remote: Server = createHttpServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(JSON.stringify(grant).slice(0, 10));
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    running.push({
      close: () => {
        // The stalled answer holds its connection open: close it, or close() waits for it.
        remote.closeAllConnections();
        return new Promise((resolve) => remote.close(resolve));
      },
    });
    const remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;

    const server = await start({ plugins: [echoPlugin()], remoteServices: { auth: remoteUrl }, apiKeyCacheSeconds: 0, remoteServiceTimeoutMs: 500 });
    const response = await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'good' } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringContaining('auth') });
    expect(response.json().detail).toContain('timed out after 500 ms');
  });

  test('with neither, a key is answered 503, as before', async () => {
    const server = await start({ plugins: [echoPlugin()] });
    const response = await server.app.inject({ method: 'GET', url: '/echo/store', headers: { 'x-api-key': 'good' } });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
