import { randomUUID } from 'node:crypto';
import { type OperationDescriptor, operationTable, type Problem, TokoBapakError } from '@tokobapak/sdk';
import type { FastifyInstance } from 'fastify';
import { authenticateCaller, type BaseContext, type BindingDeps, type BoundOperation, checkSerializedAgainstSchema, runOperation } from './bind-operations.js';
import { toProblemError, validationProblem } from './http-errors.js';
import { newId } from './ids.js';
import type { HandlerContext } from './plugin.js';
import { SerializedJson } from './serialized-json.js';
import { clientNamespace } from './service-clients.js';
import type { JsonSchema } from './spec-routes.js';
import { compileValidator, type Validators } from './validation.js';

/** The per-call argument of an SDK method, as the runtime sees it. */
export interface CallArgs {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
}

/** A started in-process call, or `undefined`: this call takes the HTTP path (`app.inject`) instead. */
export type InProcessDispatch = (namespace: string, operationId: string, args: CallArgs, serviceCredential: string) => Promise<unknown> | undefined;

type Validator = ((data: unknown, context?: unknown) => boolean) & { errors?: unknown };

interface Entry {
  bound: BoundOperation;
  base: BaseContext;
  descriptor: OperationDescriptor;
  /** Compiled on the first call: the validators of each request part, the serializers of each response status. */
  compiled?: { params?: Validator; body?: Validator; query?: Validator; headers?: Validator; serializers: Map<number, (value: unknown) => string> };
}

// Fastify's defaults: a longer path segment does not match a route (404), a larger body is refused (413).
const MAX_PARAM_LENGTH = 100;
const DEFAULT_BODY_LIMIT = 1024 * 1024;
// What Fastify's JSON parser refuses (`onProtoPoisoning` / `onConstructorPoisoning: 'error'`), looked for cheaply in the text.
const POISON = /"(?:__proto__|constructor)"/;
// What the WHATWG `Headers` class accepts as a value without trimming or refusing it.
const PLAIN_HEADER_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

/**
 * Calls between services loaded in one process, without the HTTP pipeline: the caller's
 * arguments are checked and run through the same steps a request goes through — the service
 * credential against the operation's security, deleted accounts, each part validated against the
 * spec (same validators, same coercion, same problem codes), idempotency, the handler, and the
 * answer through the status's response schema serializer (the same compiled serializer Fastify
 * uses) — but with no request parsing, header objects, `light-my-request` or `Response`.
 *
 * Anything unusual (a multipart body, a binary or 304 answer, a body near the size limit or with
 * keys the JSON parser refuses, an empty or over-long path parameter, a header value `fetch` would
 * trim or refuse, a call before the server is ready) answers `undefined`, and the caller takes
 * the HTTP path, which is the reference behaviour.
 */
export class InProcessCalls {
  private readonly entries = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly validators: Validators,
    private readonly deps: BindingDeps,
  ) {}

  /** Makes an operation of a loaded plugin callable in process (called while its route is bound). */
  register(bound: BoundOperation, base: BaseContext): void {
    const namespace = clientNamespace(bound.route.service);
    const descriptor = operationTable[namespace as keyof typeof operationTable]?.[bound.route.operationId as never] as OperationDescriptor | undefined;
    if (!descriptor) return; // not in the SDK: no typed client calls it
    const operations = this.entries.get(namespace) ?? new Map<string, Entry>();
    this.entries.set(namespace, operations);
    operations.set(bound.route.operationId, { bound, base, descriptor });
  }

  /** The SDK namespaces with operations callable in process. */
  namespaces(): string[] {
    return [...this.entries.keys()];
  }

  /** See {@link InProcessDispatch}. */
  readonly dispatch: InProcessDispatch = (namespace, operationId, args, serviceCredential) => {
    const entry = this.entries.get(namespace)?.get(operationId);
    if (!entry) return undefined;
    const { route } = entry.bound;
    const descriptor = entry.descriptor;
    if (route.bodyType !== 'json' || descriptor.response === 'binary' || descriptor.notModified) return undefined;
    const compiled = entry.compiled ?? this.compile(entry);
    if (!compiled) return undefined;

    const params: Record<string, unknown> = {};
    for (const name of pathNames(route.path)) {
      const value = args.params?.[name];
      // The SDK refuses a missing one before sending; an empty or long one does not match the route over HTTP.
      if (value === undefined || value === null) return undefined;
      const text = String(value);
      if (text === '' || encodeURIComponent(text).length > MAX_PARAM_LENGTH) return undefined;
      params[name] = text;
    }
    let body: unknown;
    if (args.body !== undefined) {
      const text = JSON.stringify(args.body);
      const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
      if (text === undefined || POISON.test(text) || (text.length * 3 > limit && Buffer.byteLength(text) > limit)) return undefined;
      // A copy, as the wire makes one: validation fills defaults in, and the handler owns what it gets.
      body = JSON.parse(text);
    }
    const query = queryOf(args.query);
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'x-service-credential': serviceCredential,
    };
    for (const [name, value] of Object.entries(args.headers ?? {})) {
      if (value === undefined) continue;
      const text = String(value);
      if (!PLAIN_HEADER_VALUE.test(text)) return undefined;
      headers[name.toLowerCase()] = text;
    }
    // Behind a trusted proxy the address would come from this header: the HTTP path works that out.
    if (headers['x-forwarded-for'] !== undefined) return undefined;
    // An operation idempotent by a body field (`x-idempotent-by`) needs no key in process (see `run`); one the caller gives is kept as over HTTP.
    if (descriptor.idempotent && (!route.idempotentBy || args.idempotencyKey !== undefined)) headers['idempotency-key'] = args.idempotencyKey ?? randomUUID();
    if (args.body !== undefined) headers['content-type'] = 'application/json';
    return this.deps.inFlight.track(() => this.run(entry, compiled, { params, query, headers, body }));
  };

  private async run(entry: Entry, compiled: NonNullable<Entry['compiled']>, request: Parts): Promise<unknown> {
    const { route } = entry.bound;
    const requestId = request.headers['x-request-id'] || newId('req');
    const log = this.app.log.child({ reqId: requestId });
    const name = `${clientNamespace(route.service)}.${route.operationId}`;
    try {
      const caller = await authenticateCaller(
        route,
        route.method,
        { authorization: request.headers.authorization, apiKey: request.headers['x-api-key'], serviceCredential: request.headers['x-service-credential'] },
        this.deps,
      );
      // In Fastify's order; each validator may coerce or fill in its part, as it does there.
      for (const part of ['params', 'body', 'query', 'headers'] as const) {
        const validate = compiled[part];
        if (!validate) continue;
        const data = request[part] === undefined ? null : request[part];
        if (!validate(data, { parentData: request, parentDataProperty: part })) {
          throw validationProblem(part === 'query' ? 'querystring' : part, validate.errors as never);
        }
      }
      const context = { ...entry.base, caller, requestId, ip: '127.0.0.1', log } as HandlerContext<unknown>;
      const input = {
        params: request.params,
        query: pick(request.query, route.queryNames),
        headers: pick(request.headers, route.headerNames),
        body: request.body,
      };
      // An operation idempotent by a body field (`x-idempotent-by`) is keyed by it: called by a
      // service loaded here without a key it needs no record of its own (two statements), the
      // operation answering a repeat and refusing a conflicting one. A key the caller gives is
      // recorded and replayed as over HTTP, where the header's record stays the contract.
      const key = route.idempotent ? request.headers['idempotency-key'] : undefined;
      const { reply } = await runOperation(entry.bound, input, context, key, this.deps);
      return this.answer(entry, compiled, reply.status, reply.body, reply.headers);
    } catch (error) {
      const problem = toProblemError(error);
      if (problem.status >= 500) log.error({ err: error }, 'request failed');
      const instance = route.path.replace(/\{([^}]+)\}/g, (_match, param: string) => encodeURIComponent(String(request.params[param])));
      const serialize = compiled.serializers.get(problem.status) ?? JSON.stringify;
      const body = JSON.parse(serialize(problem.toProblem(instance))) as Record<string, unknown>;
      throw new TokoBapakError(name, {
        ...body,
        type: typeof body.type === 'string' ? body.type : 'about:blank',
        title: typeof body.title === 'string' ? body.title : `HTTP ${problem.status}`,
        status: problem.status,
        code: typeof body.code === 'string' ? body.code : `HTTP_${problem.status}`,
      } as Problem);
    }
  }

  /** What the SDK would resolve to for this answer, had it come over HTTP. */
  private answer(entry: Entry, compiled: NonNullable<Entry['compiled']>, status: number, body: unknown, headers: Record<string, string>): unknown {
    if (status >= 300 && status < 400) return { location: headers.location ?? '' };
    if (status === 204 || status === 205 || body === undefined) return undefined;
    if (body instanceof SerializedJson) {
      if (this.deps.checkSerializedJson) checkSerializedAgainstSchema(entry.bound.route, body, compiled.serializers.get(status) ?? JSON.stringify);
      return body.text === '' ? undefined : JSON.parse(body.text);
    }
    // Fastify sends a string or bytes as they are, not as JSON; the SDK then hands the text over.
    if (typeof body === 'string') return body === '' ? undefined : body;
    if (Buffer.isBuffer(body)) return body.length === 0 ? undefined : body.toString('utf8');
    // Through the status's schema, so a field outside the spec is dropped exactly as over HTTP.
    return JSON.parse((compiled.serializers.get(status) ?? JSON.stringify)(body));
  }

  /** Compiles an operation's validators and serializers once the server is ready (its serializer compiler exists then). */
  private compile(entry: Entry): Entry['compiled'] {
    const serializerCompiler = this.app.serializerCompiler;
    if (!serializerCompiler) return undefined;
    const { route } = entry.bound;
    const validator = (part: string, schema: JsonSchema | undefined) =>
      schema ? (compileValidator(this.validators, part, schema) as unknown as Validator) : undefined;
    const serializers = new Map<number, (value: unknown) => string>();
    for (const [status, schema] of Object.entries(route.responses)) {
      if (schema) serializers.set(Number(status), serializerCompiler({ schema, method: route.method, url: route.url, httpStatus: status }));
    }
    const compiled: NonNullable<Entry['compiled']> = { serializers };
    const parts = {
      params: validator('params', route.params),
      body: validator('body', route.body),
      query: validator('querystring', route.query),
      headers: validator('headers', route.headers),
    };
    for (const [part, validate] of Object.entries(parts)) if (validate) compiled[part as 'params'] = validate;
    entry.compiled = compiled;
    return compiled;
  }
}

interface Parts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
}

const pathNamesCache = new Map<string, string[]>();

function pathNames(path: string): string[] {
  const known = pathNamesCache.get(path);
  if (known) return known;
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
  pathNamesCache.set(path, names);
  return names;
}

/** The query as Fastify's parser hands it over: strings, a repeated name as an array, nothing for null or undefined. */
function queryOf(query: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query ?? {})) {
    const items = (Array.isArray(value) ? value : [value]).filter((item) => item !== undefined && item !== null).map(String);
    if (items.length === 1) out[name] = items[0];
    else if (items.length > 1) out[name] = items;
  }
  return out;
}

function pick(source: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) if (source[name] !== undefined) out[name] = source[name];
  return out;
}
