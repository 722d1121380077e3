import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type OpenApiDocument, type Plugin, type PluginContext } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';

// A stand-in for the auth service that needs the database to answer, as the real one does: on
// PGlite's single connection, calling it from inside a transaction used to wait for ever.
const calleeSpec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'auth stand-in', version: '0' },
  paths: {
    '/auth/api-keys/verify': {
      post: {
        operationId: 'verifyApiKey',
        security: [{ serviceAuth: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer' } } } } } } },
      },
    },
  },
};

function callee(): Plugin {
  return definePlugin<any, any>({
    name: 'auth',
    summary: 'test stand-in',
    spec: calleeSpec,
    migrations: {},
    handlers: {
      async verifyApiKey(_request, ctx) {
        const result = await sql<{ n: number }>`select 1 as n`.execute(ctx.db);
        return { n: result.rows[0]?.n };
      },
    },
  });
}

const callerSpec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'caller', version: '0' },
  paths: {
    '/caller/outside': { post: { operationId: 'callOutside', security: [], responses: { '200': { description: 'ok' } } } },
    '/caller/inside': { post: { operationId: 'callInside', security: [], responses: { '200': { description: 'ok' } } } },
  },
};

let context: PluginContext<unknown> | undefined;

function caller(): Plugin {
  const verify = (ctx: Pick<PluginContext<unknown>, 'clients'>) => ctx.clients.auth.verifyApiKey({ body: { key: 'tbk_x' } } as never);
  return definePlugin<any, any>({
    name: 'caller',
    summary: 'calls auth inside and outside a transaction',
    spec: callerSpec,
    migrations: {},
    subscriptions: [
      {
        name: 'calls-auth',
        types: ['caller.pinged'],
        async handle() {
          await verify(context as PluginContext<unknown>);
        },
      },
    ],
    async onStart(ctx) {
      context = ctx;
    },
    handlers: {
      async callOutside(_request, ctx) {
        await verify(ctx);
        return undefined;
      },
      async callInside(_request, ctx) {
        await ctx.transaction(async () => verify(ctx));
        return undefined;
      },
    },
  });
}

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({ plugins: [callee(), caller()] });
});
afterAll(async () => {
  await server?.close();
});

describe('calling another service inside a transaction', () => {
  test('the same call works outside a transaction', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/caller/outside' });
    expect(response.statusCode, response.body).toBe(200);
  });

  test('inside ctx.transaction it fails at once with a coded error naming the call', async () => {
    const started = Date.now();
    const response = await server.app.inject({ method: 'POST', url: '/caller/inside' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 500, code: 'SERVICE_CALL_IN_TRANSACTION' });
    expect(response.json().detail).toContain('caller called POST /auth/api-keys/verify through ctx.clients inside ctx.transaction');
  });

  test('inside an event handler the delivery fails with the same error and is retried', async () => {
    await (context as PluginContext<unknown>).transaction((tx) => tx.publish({ type: 'caller.pinged', data: {} }));
    await server.relay.drain();
    const retries = await sql<{ last_error: string }>`select last_error from tokobapak.consumer_retries where consumer = 'caller.calls-auth'`.execute(
      server.database.db,
    );
    expect(retries.rows).toHaveLength(1);
    expect(retries.rows[0]?.last_error).toContain('inside event consumer caller.calls-auth');
  });
});
