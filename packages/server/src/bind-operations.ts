import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from './caller.js';
import type { DeletedAccounts } from './deleted-accounts.js';
import { platformErrors } from './errors.js';
import type { IdempotencyStore } from './idempotency.js';
import type { HandlerContext, Plugin } from './plugin.js';
import { Reply } from './reply.js';
import { type ApiKeyVerifier, authenticate } from './security.js';
import { SerializedJson } from './serialized-json.js';
import { type OperationRoute, readOperations } from './spec-routes.js';
import type { TokenService } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: import('./caller.js').Caller;
  }
}

/** The per-plugin part of a handler's context; the server adds the per-request part. */
export type BaseContext = Omit<HandlerContext<unknown>, 'caller' | 'requestId' | 'ip' | 'log'>;

/** What binding needs from the server. */
export interface BindingDeps {
  tokens: TokenService;
  verifyApiKey: ApiKeyVerifier;
  idempotency: IdempotencyStore;
  /** Counts handlers still running, so shutdown can wait for them before closing the database. */
  inFlight: InFlight;
  /** Refuses writes by deleted accounts' credentials. */
  deletedAccounts: DeletedAccounts;
  /** Pass every {@link SerializedJson} body through the schema serializer too, and refuse it if that changes it. */
  checkSerializedJson?: boolean;
}

/** Handlers still running. A client that hangs up does not stop its handler, so `close()` must wait for this, not for sockets. */
export class InFlight {
  private count = 0;
  private idle: Array<() => void> = [];

  /** Runs `work`, counted. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work();
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Resolves once no handler runs, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Checks that a plugin implements exactly its spec's operations. The types already enforce this
 * for plugins written in TypeScript; this catches JavaScript plugins and stale generated specs.
 */
export function checkHandlers(plugin: Plugin): OperationRoute[] {
  const operations = readOperations(plugin.name, plugin.spec);
  const declared = new Set(operations.map((operation) => operation.operationId));
  const implemented = new Set(Object.keys(plugin.handlers));
  const missing = [...declared].filter((id) => !implemented.has(id));
  const extra = [...implemented].filter((id) => !declared.has(id));
  if (missing.length) throw new Error(`Plugin ${plugin.name} has no handler for: ${missing.join(', ')}`);
  if (extra.length) throw new Error(`Plugin ${plugin.name} has handlers for operations its spec does not declare: ${extra.join(', ')}`);
  return operations;
}

/** Binds every operation of a plugin's spec to a Fastify route with validation, security and serialization. */
export function bindOperations(app: FastifyInstance, plugin: Plugin, operations: OperationRoute[], base: BaseContext, deps: BindingDeps): void {
  for (const operation of operations) {
    const handler = plugin.handlers[operation.operationId] as (request: unknown, context: HandlerContext<unknown>) => Promise<unknown>;
    const response: Record<number, unknown> = {};
    for (const [status, schema] of Object.entries(operation.responses)) if (schema) response[Number(status)] = schema;
    const operationKey = `${operation.service}.${operation.operationId}`;

    app.route({
      method: operation.method as 'GET',
      url: operation.url,
      schema: {
        ...(operation.body ? { body: operation.body } : {}),
        ...(operation.query ? { querystring: operation.query } : {}),
        ...(operation.params ? { params: operation.params } : {}),
        ...(operation.headers ? { headers: operation.headers } : {}),
        response,
      },
      ...(operation.bodyLimit !== undefined ? { bodyLimit: operation.bodyLimit } : {}),
      config: { operationId: operation.operationId },
      // Authentication runs before the body is even parsed: an anonymous caller learns nothing.
      onRequest: async (request) => {
        request.caller = await authenticate(
          operation.security,
          {
            authorization: request.headers.authorization,
            apiKey: header(request, 'x-api-key'),
            serviceCredential: header(request, 'x-service-credential'),
          },
          deps.tokens,
          deps.verifyApiKey,
        );
        await deps.deletedAccounts.refuseWritesOfDeleted(request.method, request.caller);
      },
      // A route takes only the body type its spec declares: multipart never slips into a JSON operation, or JSON into an upload.
      preValidation: async (request) => {
        if (request.body === undefined) return;
        const multipart = /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
        if (multipart !== (operation.bodyType === 'multipart')) {
          throw platformErrors.UNSUPPORTED_MEDIA_TYPE(
            `The request body must be ${operation.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json'}`,
          );
        }
      },
      handler: (request, reply) => deps.inFlight.track(() => handle(request, reply)),
    });

    async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      const input = {
        params: request.params ?? {},
        query: pick(request.query as Record<string, unknown> | undefined, operation.queryNames),
        headers: pick(request.headers as Record<string, unknown>, operation.headerNames),
        body: request.body,
      };
      const context = {
        ...base,
        caller: request.caller,
        requestId: request.id,
        ip: request.ip,
        log: request.log,
      } as HandlerContext<unknown>;

      const key = operation.idempotent ? header(request, 'idempotency-key') : undefined;
      if (key === undefined) return send(reply, operation, await handler(input, context), deps.checkSerializedJson);

      const replay = await deps.idempotency.claim(request.caller, operationKey, key, { params: input.params, query: input.query, body: input.body });
      if (replay) {
        void reply.header('idempotent-replayed', 'true');
        return send(reply, operation, new Reply(replay.status, replay.body ?? undefined));
      }
      let result: unknown;
      try {
        result = await handler(input, context);
      } catch (error) {
        // Only successes are remembered; after a failure the client may retry with the same key.
        await deps.idempotency.release(request.caller, operationKey, key);
        throw error;
      }
      const normalized = result instanceof Reply ? result : new Reply(operation.successStatuses[0] ?? 200, result);
      // A pre-serialized body is remembered as the value it stands for; its replay goes through the schema serializer.
      const body = normalized.body instanceof SerializedJson ? (JSON.parse(normalized.body.text) as unknown) : normalized.body;
      await deps.idempotency.complete(request.caller, operationKey, key, { status: normalized.status, body });
      return send(reply, operation, normalized, deps.checkSerializedJson);
    }
  }
}

function send(reply: FastifyReply, operation: OperationRoute, result: unknown, checkSerializedJson = false): FastifyReply {
  const { status, body, headers } = result instanceof Reply ? result : { status: operation.successStatuses[0] ?? 200, body: result, headers: {} };
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  void reply.code(status);
  if (body instanceof SerializedJson) {
    if (checkSerializedJson) checkAgainstSchema(reply, operation, body);
    // A string with a JSON content type is sent as it is: Fastify serializes only objects.
    return reply.type('application/json; charset=utf-8').send(body.text);
  }
  return status === 204 || body === undefined ? reply.send() : reply.send(body);
}

/** The text must come out of the route's schema serializer unchanged: no field the schema drops, no value it would coerce. */
function checkAgainstSchema(reply: FastifyReply, operation: OperationRoute, body: SerializedJson): void {
  const parsed = JSON.parse(body.text) as unknown;
  if (!isDeepStrictEqual(JSON.parse(String(reply.serialize(parsed))), parsed)) {
    throw new Error(`${operation.service}.${operation.operationId}: a serialized JSON body does not match its response schema`);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pick(source: Record<string, unknown> | undefined, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!source) return out;
  for (const name of names) if (source[name] !== undefined) out[name] = source[name];
  return out;
}

export type { Caller };
