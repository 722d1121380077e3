import { authPlugin } from '@tokobapak/plugin-auth';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { userPlugin } from '@tokobapak/plugin-user';
import { type OperationRoute, readOperations } from '@tokobapak/server';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Every operation of every loaded spec is enumerated, so a new operation cannot escape these checks.
const plugins = [
  authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, adminEmails: ['sweep-admin@example.com'] }),
  userPlugin(),
  merchantPlugin(),
  inventoryPlugin(),
  imageProxyPlugin(),
  promotedItemPlugin(),
];
const operations: OperationRoute[] = plugins.flatMap((plugin) => readOperations(plugin.name, plugin.spec));
const secured = operations.filter((operation) => operation.security.length > 0);
const withBody = operations.filter((operation) => operation.body);
const withTypedParameters = operations.filter((operation) => Object.keys(operation.params?.properties ?? {}).length > 0);

let server: TestServer;
const bearer: Record<'customer' | 'admin' | 'store', string> = { customer: '', admin: '', store: '' };
beforeAll(async () => {
  server = await createTestServer({ plugins });
  // Real, signed-in accounts: handlers may check that the caller still exists before validating more.
  for (const [role, email] of [
    ['customer', 'sweep@example.com'],
    ['admin', 'sweep-admin@example.com'],
  ] as const) {
    const client = server.client();
    await client.user.register({ body: { email, password: 'correct horse battery staple', name: role } });
    bearer[role] = (await client.auth.login({ body: { email, password: 'correct horse battery staple' } })).accessToken;
    if (role === 'customer') {
      const store = await client.merchant.createStore({ body: { name: 'Sweep Store', handle: 'sweep-store' } });
      bearer.store = (await client.auth.selectStore({ body: { storeId: store.id } })).accessToken;
    }
  }
});
afterAll(async () => {
  await server?.close();
});

const LEAKS = [/argon2/i, /password_?hash/i, /token_?hash/i, /secret_?hash/i, /\n\s+at .+:\d+:\d+/];

function expectCleanProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }, allowed: number[]): void {
  expect(allowed, `status ${response.statusCode}: ${response.body}`).toContain(response.statusCode);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response.body) as { code?: unknown; status?: unknown };
  expect(typeof problem.code).toBe('string');
  expect(problem.status).toBe(response.statusCode);
  for (const leak of LEAKS) expect(response.body).not.toMatch(leak);
}

/** A well-formed stand-in for a path parameter, so only the property under test is wrong. */
function samplePath(operation: OperationRoute): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const pattern = String(operation.params?.properties?.[name]?.pattern ?? '');
    const prefix = pattern.match(/^\^([a-z]+)_/)?.[1];
    return prefix ? `${prefix}_${'0'.repeat(26)}` : 'sample';
  });
}

/** Credentials satisfying the operation's first security alternative. */
function credentialsFor(operation: OperationRoute): Record<string, string> {
  const requirement = operation.security.find((candidate) => candidate.scheme !== 'apiKeyAuth') ?? operation.security[0];
  if (!requirement) return {};
  switch (requirement.scheme) {
    case 'bearerAuth': {
      const kind = requirement.scopes.includes('admin') ? 'admin' : requirement.scopes.some((scope) => scope.startsWith('store')) ? 'store' : 'customer';
      return { authorization: `Bearer ${bearer[kind]}` };
    }
    case 'serviceAuth':
      return { 'x-service-credential': server.tokens.signServiceToken(requirement.scopes[0] ?? 'platform') };
    default:
      return { 'x-api-key': 'tbk_not-a-real-key' };
  }
}

const name = (operation: OperationRoute) => `${operation.service}.${operation.operationId} (${operation.method} ${operation.path})`;

describe('every secured operation refuses a caller without credentials', () => {
  test.each(secured.map((operation) => [name(operation), operation] as const))('%s', async (_label, operation) => {
    const response = await server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), ...(operation.body ? { payload: {} } : {}) });
    expectClean(response, [401]);
  });
});

describe('every operation with a body refuses malformed JSON and a body of the wrong type', () => {
  test.each(withBody.map((operation) => [name(operation), operation] as const))('%s', async (_label, operation) => {
    const headers = { ...credentialsFor(operation), 'content-type': 'application/json' };
    const malformed = await server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), headers, payload: '{"broken": ' });
    expectClean(malformed, [400, 401, 403, 415]);
    const wrongType = await server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), headers, payload: '[1, 2, 3]' });
    expectClean(wrongType, [400, 401, 403, 415]);
    const unknownField = await server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), headers, payload: { sneaky: true } });
    expectClean(unknownField, [400, 401, 403, 415]);
  });
});

describe('every operation with path parameters refuses values of the wrong shape', () => {
  test.each(withTypedParameters.map((operation) => [name(operation), operation] as const))('%s', async (_label, operation) => {
    const url = operation.path.replace(/\{[^}]+\}/g, '%20not-an-id%20');
    const response = await server.app.inject({
      method: operation.method as 'GET',
      url,
      headers: credentialsFor(operation),
      ...(operation.body ? { payload: {} } : {}),
    });
    expectClean(response, [400, 401, 403, 404]);
  });
});

describe('operations with a limit refuse a non-numeric one, and paginated ones a forged cursor', () => {
  const listed = operations.filter((operation) => operation.queryNames.includes('limit'));
  test.each(listed.map((operation) => [name(operation), operation] as const))('%s', async (_label, operation) => {
    const headers = credentialsFor(operation);
    expectClean(await server.app.inject({ method: 'GET', url: `${samplePath(operation)}?limit=lots`, headers }), [400]);
    if (operation.queryNames.includes('cursor'))
      expectClean(await server.app.inject({ method: 'GET', url: `${samplePath(operation)}?cursor=forged`, headers }), [400]);
  });
});

function expectClean(response: { statusCode: number; headers: Record<string, unknown>; body: string }, allowed: number[]): void {
  expectCleanProblem(response, allowed);
}

test('the sweep covers every loaded service', () => {
  expect(new Set(operations.map((operation) => operation.service))).toEqual(new Set(plugins.map((plugin) => plugin.name)));
  expect(secured.length).toBeGreaterThan(20);
});
