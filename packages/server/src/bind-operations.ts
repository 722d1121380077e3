import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from './caller.js';
import type { DeletedAccounts } from './deleted-accounts.js';
import { platformErrors } from './errors.js';
import type { IdempotencyStore } from './idempotency.js';
import type { HandlerContext, Plugin } from './plugin.js';
import { Reply } from './reply.js';
import { type ApiKeyVerifier, authenticate, guestCaller, type PresentedCredentials } from './security.js';
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
    this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /** A handler starts; pair with {@link leave} in a `finally` (what `track` does, without a closure per request). */
  enter(): void {
    this.count += 1;
  }

  /** A handler entered with {@link enter} is done. */
  leave(): void {
    this.count -= 1;
    if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
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

/** An operation with its handler and the key idempotency records use: what both ways of calling it need. */
export interface BoundOperation {
  route: OperationRoute;
  handler: (request: unknown, context: HandlerContext<unknown>) => Promise<unknown>;
  /** `<service>.<operationId>`. */
  key: string;
}

/** An operation's typed request, as a handler receives it. */
export interface OperationInput {
  params: unknown;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/** What a handler answered, normalized; `replayed` when it is an idempotent replay of an earlier answer. */
export interface OperationOutcome {
  reply: Reply;
  replayed: boolean;
}

/**
 * Binds every operation of a plugin's spec to a Fastify route with validation, security and
 * serialization, and hands each to `register` (the in-process call path) as well.
 */
export function bindOperations(
  app: FastifyInstance,
  plugin: Plugin,
  operations: OperationRoute[],
  base: BaseContext,
  deps: BindingDeps,
  register?: (bound: BoundOperation, base: BaseContext) => void,
): void {
  for (const operation of operations) {
    const bound: BoundOperation = {
      route: operation,
      handler: plugin.handlers[operation.operationId] as BoundOperation['handler'],
      key: `${operation.service}.${operation.operationId}`,
    };
    register?.(bound, base);
    const response: Record<number, unknown> = {};
    for (const [status, schema] of Object.entries(operation.responses)) if (schema) response[Number(status)] = schema;

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
      onRequest: (request, reply, done) => identify(request, reply, done),
      // A route takes only the body type its spec declares: multipart never slips into a JSON operation, or JSON into an upload.
      // A callback hook: it never waits, and an async one costs a promise per request.
      preValidation: (request, _reply, done) => {
        if (request.body === undefined) return done();
        const multipart = /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
        if (multipart !== (operation.bodyType === 'multipart')) {
          return done(
            platformErrors.UNSUPPORTED_MEDIA_TYPE(
              `The request body must be ${operation.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json'}`,
            ),
          );
        }
        done();
      },
      handler: (request, reply) => handle(request, reply),
    });

    /**
     * Establishes the caller. A callback hook: a guest (the hottest public routes: a new cart, the
     * catalogue) is settled without a promise; a presented credential is checked asynchronously.
     */
    function identify(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
      const credentials: PresentedCredentials = {
        authorization: request.headers.authorization,
        apiKey: header(request, 'x-api-key'),
        serviceCredential: header(request, 'x-service-credential'),
      };
      const guest = guestCaller(operation.security, credentials);
      if (guest) {
        request.caller = guest;
        done();
        return;
      }
      authenticateCaller(operation, request.method, credentials, deps).then((caller) => {
        request.caller = caller;
        done();
      }, done);
    }

    /** The route's handler, counted in flight (entered and left here rather than through `track`: no closure per request). */
    async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      deps.inFlight.enter();
      try {
        const input: OperationInput = {
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
        const outcome = await runOperation(bound, input, context, key, deps);
        if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
        return send(reply, operation, outcome.reply, deps.checkSerializedJson);
      } finally {
        deps.inFlight.leave();
      }
    }
  }
}

/**
 * Establishes the caller from the presented credentials by the operation's security, and refuses
 * writes by deleted accounts (a guest has no account: {@link guestCaller} settles it alone).
 */
export async function authenticateCaller(
  operation: OperationRoute,
  method: string,
  credentials: PresentedCredentials,
  deps: Pick<BindingDeps, 'tokens' | 'verifyApiKey' | 'deletedAccounts'>,
): Promise<Caller> {
  const caller = await authenticate(operation.security, credentials, deps.tokens, deps.verifyApiKey);
  await deps.deletedAccounts.refuseWritesOfDeleted(method, caller);
  return caller;
}

/**
 * Runs an operation's handler, remembering and replaying its answer when the caller sent an
 * idempotency key. The HTTP route and the in-process call path both go through here.
 */
export async function runOperation(
  bound: BoundOperation,
  input: OperationInput,
  context: HandlerContext<unknown>,
  key: string | undefined,
  deps: Pick<BindingDeps, 'idempotency'>,
): Promise<OperationOutcome> {
  const operation = bound.route;
  if (key === undefined) return { reply: normalize(operation, await bound.handler(input, context)), replayed: false };
  const replay = await deps.idempotency.claim(context.caller, bound.key, key, keyedRequest(input));
  if (replay) return { reply: new Reply(replay.status, replay.body ?? undefined), replayed: true };
  let result: unknown;
  try {
    result = await bound.handler(input, context);
  } catch (error) {
    // Only successes are remembered; after a failure the client may retry with the same key.
    await deps.idempotency.release(context.caller, bound.key, key);
    throw error;
  }
  const normalized = normalize(operation, result);
  // A pre-serialized body is remembered as the value it stands for; its replay goes through the schema serializer.
  const body = normalized.body instanceof SerializedJson ? (JSON.parse(normalized.body.text) as unknown) : normalized.body;
  await deps.idempotency.complete(context.caller, bound.key, key, { status: normalized.status, body });
  return { reply: normalized, replayed: false };
}

/**
 * What a key stands for: the request's parameters and body, and its declared headers but the key.
 * A header such as a guest cart's `X-Cart-Token` says whose request it is where the caller cannot
 * (every guest is one caller): with it in, a replay answers only whoever sent it. Left out when
 * there is none, so that keys stored before it was counted still match.
 */
function keyedRequest(input: OperationInput): Record<string, unknown> {
  const { 'idempotency-key': _key, ...headers } = input.headers;
  const request = { params: input.params, query: input.query, body: input.body };
  return Object.keys(headers).length === 0 ? request : { ...request, headers };
}

/** A handler's answer as a {@link Reply}: a plain value is the first declared success status. */
function normalize(operation: OperationRoute, result: unknown): Reply {
  return result instanceof Reply ? result : new Reply(operation.successStatuses[0] ?? 200, result);
}

/** The text must come out of the route's schema serializer unchanged: no field the schema drops, no value it would coerce. */
export function checkSerializedAgainstSchema(operation: OperationRoute, body: SerializedJson, serialize: (value: unknown) => string): void {
  const parsed = JSON.parse(body.text) as unknown;
  if (!isDeepStrictEqual(JSON.parse(serialize(parsed)), parsed)) {
    throw new Error(`${operation.service}.${operation.operationId}: a serialized JSON body does not match its response schema`);
  }
}

function send(reply: FastifyReply, operation: OperationRoute, result: Reply, checkSerializedJson = false): FastifyReply {
  const { status, body, headers } = result;
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  void reply.code(status);
  if (body instanceof SerializedJson) {
    if (checkSerializedJson) checkSerializedAgainstSchema(operation, body, (value) => String(reply.serialize(value)));
    // A string with a JSON content type is sent as it is: Fastify serializes only objects.
    return reply.type('application/json; charset=utf-8').send(body.text);
  }
  return status === 204 || body === undefined ? reply.send() : reply.send(body);
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
