import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  credentialsFor,
  expectCleanProblem,
  operationName,
  type SweepServer,
  samplePath,
  startSweepServer,
  sweepOperations,
  sweepPlugins,
} from './support/sweep-server.js';

// Every operation of every loaded spec is enumerated, so a new operation cannot escape these checks.
const operations = sweepOperations;
// `{}` among the alternatives admits a caller without credentials (a guest with a cart token).
const admitsAnonymous = (operation: (typeof operations)[number]) => operation.security.some((requirement) => requirement.scheme === 'anonymous');
const secured = operations.filter((operation) => operation.security.length > 0 && !admitsAnonymous(operation));
const anonymousOnResources = operations.filter((operation) => admitsAnonymous(operation) && operation.path.includes('{'));
const withBody = operations.filter((operation) => operation.body);
const withTypedParameters = operations.filter((operation) => Object.keys(operation.params?.properties ?? {}).length > 0);

let sweep: SweepServer;
beforeAll(async () => {
  sweep = await startSweepServer();
});
afterAll(async () => {
  await sweep?.server.close();
});

describe('every secured operation refuses a caller without credentials', () => {
  test.each(secured.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    const response = await sweep.server.app.inject({
      method: operation.method as 'GET',
      url: samplePath(operation),
      ...(operation.body ? { payload: {} } : {}),
    });
    expectCleanProblem(response, [401]);
  });
});

describe('every operation open to callers without credentials refuses one on a resource it cannot show them', () => {
  test.each(anonymousOnResources.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    // No access token, and no other proof (a cart token) either: 401; a made-up proof: 404, like a missing resource.
    const bare = await sweep.server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), ...(operation.body ? { payload: {} } : {}) });
    expectCleanProblem(bare, [400, 401]);
    const forged = await sweep.server.app.inject({
      method: operation.method as 'GET',
      url: samplePath(operation),
      headers: { 'x-cart-token': 'ctk_forged' },
      ...(operation.body ? { payload: {} } : {}),
    });
    expectCleanProblem(forged, [400, 404]);
  });
});

describe('every operation with a body refuses malformed JSON and a body of the wrong type', () => {
  test.each(withBody.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    const headers = { ...credentialsFor(sweep, operation), 'content-type': 'application/json' };
    const malformed = await sweep.server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), headers, payload: '{"broken": ' });
    expectCleanProblem(malformed, [400, 401, 403, 415]);
    const wrongType = await sweep.server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), headers, payload: '[1, 2, 3]' });
    expectCleanProblem(wrongType, [400, 401, 403, 415]);
    const unknownField = await sweep.server.app.inject({ method: operation.method as 'GET', url: samplePath(operation), headers, payload: { sneaky: true } });
    expectCleanProblem(unknownField, [400, 401, 403, 415]);
  });
});

describe('every operation with path parameters refuses values of the wrong shape', () => {
  test.each(withTypedParameters.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    const url = operation.path.replace(/\{[^}]+\}/g, '%20not-an-id%20');
    const response = await sweep.server.app.inject({
      method: operation.method as 'GET',
      url,
      headers: credentialsFor(sweep, operation),
      ...(operation.body ? { payload: {} } : {}),
    });
    expectCleanProblem(response, [400, 401, 403, 404]);
  });
});

describe('operations with a limit refuse a non-numeric one, and paginated ones a forged cursor', () => {
  const listed = operations.filter((operation) => operation.queryNames.includes('limit'));
  test.each(listed.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    const headers = credentialsFor(sweep, operation);
    expectCleanProblem(await sweep.server.app.inject({ method: 'GET', url: `${samplePath(operation)}?limit=lots`, headers }), [400]);
    if (operation.queryNames.includes('cursor'))
      expectCleanProblem(await sweep.server.app.inject({ method: 'GET', url: `${samplePath(operation)}?cursor=forged`, headers }), [400]);
  });
});

test('the sweep covers every loaded service', () => {
  expect(new Set(operations.map((operation) => operation.service))).toEqual(new Set(sweepPlugins.map((plugin) => plugin.name)));
  expect(secured.length).toBeGreaterThan(20);
  expect(anonymousOnResources.length).toBeGreaterThan(0);
});
