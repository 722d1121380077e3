import { TokoBapakError } from '@tokobapak/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type OpenApiDocument, type Plugin, ProblemError } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';

// A stand-in for the auth service, at the paths the SDK knows, so that its operations can be
// called through `ctx.clients.auth`: one any service may call, one only `user` may call, one that
// takes an idempotency key. Its answers carry a field the response schema does not list.
const problem = { description: 'problem', content: { 'application/problem+json': { schema: { type: 'object', additionalProperties: true } } } };
const calleeSpec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'auth stand-in', version: '0' },
  paths: {
    '/auth/credentials/{userId}/verify-password': {
      post: {
        operationId: 'verifyPassword',
        security: [{ serviceAuth: [] }],
        parameters: [
          { name: 'userId', in: 'path', required: true, schema: { type: 'string', pattern: '^usr_' } },
          { name: 'attempt', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'x-trace', in: 'header', schema: { type: 'string', maxLength: 8 } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['password'],
                properties: { password: { type: 'string', minLength: 1 }, remember: { type: 'boolean', default: false } },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    userId: { type: 'string' },
                    attempt: { type: ['integer', 'null'] },
                    trace: { type: ['string', 'null'] },
                    remember: { type: 'boolean' },
                    count: { type: 'integer' },
                  },
                },
              },
            },
          },
          '400': problem,
          '401': problem,
          '409': problem,
        },
      },
    },
    '/auth/credentials': {
      post: {
        operationId: 'createCredential',
        security: [{ serviceAuth: ['user'] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '201': { description: 'created', content: { 'application/json': { schema: { type: 'object' } } } }, '403': problem },
      },
    },
    '/auth/api-keys': {
      post: {
        operationId: 'createApiKey',
        security: [{ serviceAuth: [] }],
        parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '201': { description: 'created', content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer' } } } } } },
        },
      },
      get: {
        operationId: 'listApiKeys',
        security: [{ bearerAuth: [] }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } }, '401': problem },
      },
    },
  },
};

function callee(): Plugin {
  let created = 0;
  return definePlugin<any, any>({
    name: 'auth',
    summary: 'test stand-in',
    spec: calleeSpec,
    migrations: {},
    handlers: {
      async verifyPassword({ params, query, headers, body }) {
        if (body.password === 'taken') throw new ProblemError('STANDIN_TAKEN', 409, 'Taken', { detail: 'that one is taken' });
        if (body.password === 'boom') throw new Error('a bug, with a secret in its message');
        // `secret` is not in the response schema and `count` is a string where an integer belongs.
        return {
          userId: params.userId,
          attempt: query.attempt ?? null,
          trace: headers['x-trace'] ?? null,
          remember: body.remember,
          count: '7',
          secret: 'hunter2',
        };
      },
      async createCredential() {
        return {};
      },
      async createApiKey() {
        created += 1;
        return { n: created };
      },
      async listApiKeys() {
        return {};
      },
    },
  });
}

// Relays a test's call to ctx.clients and reports what came back: the result, or the problem. What
// the relay's own request could not carry is spelled `<NUL>` and `<PROTO>` in its arguments.
const callerSpec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'caller', version: '0' },
  paths: {
    '/relay/call': {
      post: {
        operationId: 'relayCall',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } } },
      },
    },
  },
};

function relay(): Plugin {
  return definePlugin<any, any>({
    name: 'relay',
    summary: 'calls the auth stand-in as a service',
    spec: callerSpec,
    migrations: {},
    handlers: {
      async relayCall({ body }, ctx) {
        const { operation } = body as { operation: string };
        const args = JSON.parse(
          JSON.stringify((body as { args: unknown }).args)
            .replaceAll('<NUL>', '\\u0000')
            .replaceAll('<PROTO>', '__proto__'),
        ) as unknown;
        try {
          return { result: await (ctx.clients.auth as unknown as Record<string, (args: unknown) => Promise<unknown>>)[operation]?.(args) };
        } catch (error) {
          if (!(error instanceof TokoBapakError)) throw error;
          return { error: { name: error.name, operation: error.operation, ...error.problem } };
        }
      },
    },
  });
}

let direct: TestServer;
let overHttp: TestServer;

beforeAll(async () => {
  [direct, overHttp] = await Promise.all([
    createTestServer({ plugins: [callee(), relay()] }),
    createTestServer({ plugins: [callee(), relay()], directServiceCalls: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([direct?.close(), overHttp?.close()]);
});

/** What `ctx.clients.auth[operation](args)` gave inside the relay, on one server. */
async function relayed(server: TestServer, operation: string, args: unknown): Promise<{ result?: unknown; error?: Record<string, unknown> }> {
  const response = await server.app.inject({ method: 'POST', url: '/relay/call', payload: { operation, args } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** The call's outcome in process and through the HTTP pipeline, after checking they are the same. */
async function both(operation: string, args: unknown): Promise<{ result?: unknown; error?: Record<string, unknown> }> {
  const [inProcess, viaHttp] = await Promise.all([relayed(direct, operation, args), relayed(overHttp, operation, args)]);
  expect(inProcess).toEqual(viaHttp);
  return inProcess;
}

const userId = 'usr_01jd0000000000000000000000';

describe('calls between services in one process', () => {
  test('a valid call answers through the response schema: coerced parameters, defaults filled in, unlisted fields dropped', async () => {
    const outcome = await both('verifyPassword', { params: { userId }, query: { attempt: '3' }, headers: { 'X-Trace': 'abc' }, body: { password: 'pw' } });
    expect(outcome).toEqual({ result: { userId, attempt: 3, trace: 'abc', remember: false, count: 7 } });
  });

  test('a bad body is refused with the problem HTTP gives, field by field', async () => {
    const outcome = await both('verifyPassword', { params: { userId }, body: { password: '', extra: 1 } });
    expect(outcome.error).toMatchObject({ name: 'TokoBapakError', operation: 'auth.verifyPassword', status: 400, code: 'VALIDATION_FAILED' });
    expect(((outcome.error?.errors ?? []) as Array<{ pointer: string }>).map((entry) => entry.pointer).sort()).toEqual(['#/extra', '#/password']);
  });

  test('bad path, query and header parameters are refused as over HTTP', async () => {
    expect((await both('verifyPassword', { params: { userId: 'cus_1' }, body: { password: 'pw' } })).error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const query = await both('verifyPassword', { params: { userId }, query: { attempt: 'many' }, body: { password: 'pw' } });
    expect(query.error?.errors).toEqual([expect.objectContaining({ pointer: '#query/attempt' })]);
    const header = await both('verifyPassword', { params: { userId }, headers: { 'x-trace': 'far-too-long' }, body: { password: 'pw' } });
    expect(header.error?.errors).toEqual([expect.objectContaining({ pointer: '#header/x-trace' })]);
  });

  test('text a database cannot hold is refused before the handler', async () => {
    const outcome = await both('verifyPassword', { params: { userId }, body: { password: 'a<NUL>b' } });
    expect(outcome.error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  test("the callee's security still holds: a service it does not name is refused, and a person-only operation wants a person", async () => {
    expect((await both('createCredential', { body: {} })).error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await both('listApiKeys', {})).error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  test("the callee's coded errors arrive with their code; an unexpected error is a bare 500", async () => {
    expect((await both('verifyPassword', { params: { userId }, body: { password: 'taken' } })).error).toMatchObject({
      status: 409,
      code: 'STANDIN_TAKEN',
      detail: 'that one is taken',
    });
    const bug = await both('verifyPassword', { params: { userId }, body: { password: 'boom' } });
    expect(bug.error).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(bug.error)).not.toContain('secret');
  });

  test('an idempotency key replays the first answer', async () => {
    for (const server of [direct, overHttp]) {
      const first = await relayed(server, 'createApiKey', { body: {}, idempotencyKey: 'key-1' });
      const again = await relayed(server, 'createApiKey', { body: {}, idempotencyKey: 'key-1' });
      const other = await relayed(server, 'createApiKey', { body: {} });
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
    }
  });

  test('a body the JSON parser refuses takes the HTTP path and gets its answer', async () => {
    const outcome = await both('verifyPassword', { params: { userId }, body: { password: 'pw', '<PROTO>': { x: 1 } } });
    expect(outcome.error).toMatchObject({ status: 400 });
  });

  test('in-process calls skip the HTTP pipeline: they are not counted as requests of the route', async () => {
    await both('verifyPassword', { params: { userId }, body: { password: 'pw' } });
    // Only the call above that took the HTTP path (the refused body) is a request, and it got a 400.
    const counted = async (server: TestServer) =>
      (await server.app.inject({ method: 'GET', url: '/metrics' })).body.includes('route="/auth/credentials/:userId/verify-password",status="200"');
    expect(await counted(direct)).toBe(false);
    expect(await counted(overHttp)).toBe(true);
  });
});
