import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import { wishlistPlugin } from '@tokobapak/plugin-wishlist';
import { type OperationRoute, readOperations } from '@tokobapak/server';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { expect } from 'vitest';

/**
 * What the spec-enumerated sweeps share: every service loaded, every operation read from the specs
 * (so a new operation or service cannot escape them), and real signed-in callers to send.
 */
export const sweepPlugins = [
  authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, adminEmails: ['sweep-admin@example.com'] }),
  userPlugin(),
  merchantPlugin(),
  inventoryPlugin(),
  imageProxyPlugin(),
  promotedItemPlugin(),
  orderPlugin(),
  promotionPlugin(),
  cartPlugin(),
  wishlistPlugin(),
  shippingPlugin(),
];

/** Every operation of every loaded spec. */
export const sweepOperations: OperationRoute[] = sweepPlugins.flatMap((plugin) => readOperations(plugin.name, plugin.spec));

/** A started server with a signed-in customer, an admin, and the customer's store session. */
export interface SweepServer {
  server: TestServer;
  bearer: Record<'customer' | 'admin' | 'store', string>;
}

/** Starts one server for a sweep file and signs its callers in (real accounts: handlers may check the caller still exists). */
export async function startSweepServer(): Promise<SweepServer> {
  const server = await createTestServer({ plugins: sweepPlugins });
  const bearer: SweepServer['bearer'] = { customer: '', admin: '', store: '' };
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
  return { server, bearer };
}

/** Credentials satisfying the operation's first security alternative (an API key only when nothing else will do). */
export function credentialsFor({ server, bearer }: SweepServer, operation: OperationRoute): Record<string, string> {
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

/** A well-formed stand-in for every path parameter (`prod_000…` for an id pattern), optionally overriding one. */
export function samplePath(operation: OperationRoute, override?: { name: string; raw: string }): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (override?.name === name) return override.raw;
    const pattern = String(operation.params?.properties?.[name]?.pattern ?? '');
    const prefix = pattern.match(/^\^([a-z]+)_/)?.[1];
    return prefix ? `${prefix}_${'0'.repeat(26)}` : 'sample';
  });
}

/** `service.operationId (METHOD /path)`, for test names. */
export const operationName = (operation: OperationRoute) => `${operation.service}.${operation.operationId} (${operation.method} ${operation.path})`;

const LEAKS = [/argon2/i, /password_?hash/i, /token_?hash/i, /secret_?hash/i, /\n\s+at .+:\d+:\d+/];

/** The answer is a problem+json with one of the `allowed` statuses and a code, leaking nothing internal. */
export function expectCleanProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }, allowed: number[], what = ''): void {
  expect(allowed, `${what} status ${response.statusCode}: ${response.body}`).toContain(response.statusCode);
  expect(response.headers['content-type'], `${what} ${response.statusCode}: ${response.body}`).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response.body) as { code?: unknown; status?: unknown };
  expect(typeof problem.code).toBe('string');
  expect(problem.status).toBe(response.statusCode);
  for (const leak of LEAKS) expect(response.body).not.toMatch(leak);
}
