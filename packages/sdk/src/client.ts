import { errorFromResponse, TokoBapakError } from './errors.js';
import { operationTable, type ServiceOperations } from './generated/operations.js';
import type { BinaryResult, ClientOf, NotModifiedResult } from './operation-types.js';
import { type StoreSessionHelpers, withStoreSession } from './store-session.js';
import { memoryTokenStore, type StoredTokens, type TokenStore } from './token-store.js';

/** What the runtime knows about one operation; `pnpm generate` writes these into `operations.ts`. */
export interface OperationDescriptor {
  readonly method: string;
  /** The path template, with `{name}` placeholders for path parameters. */
  readonly path: string;
  /** The 200 response is `{ items, nextCursor }`, so the method also has `iterate()`. */
  readonly paginated: boolean;
  /** The operation takes an `Idempotency-Key` header, which the client always sends. */
  readonly idempotent: boolean;
  /** How a body is sent: JSON, or `multipart/form-data` built from the body's properties (file uploads). */
  readonly body: 'json' | 'multipart';
  /** The file properties of a multipart body (`format: binary`); their type comes from this list. */
  readonly files?: readonly string[];
  /**
   * How a success body is read: `json` (the default when absent, as in tables generated before
   * this field existed) or `binary`, handed over as a {@link BinaryResult} with a `Blob`.
   */
  readonly response?: 'json' | 'binary';
  /** The operation declares `304 Not Modified`: a 304 resolves to a {@link NotModifiedResult} instead of throwing. */
  readonly notModified?: boolean;
  /**
   * What the operation does to the session (`x-session` in its spec): `issues` and `refreshes` answer
   * a token pair that the client stores, `revokes` ends the session, so the client drops its tokens.
   * The client refreshes through the operation marked `refreshes`. Operations without it leave the
   * tokens alone, whatever they answer.
   */
  readonly session?: 'issues' | 'refreshes' | 'revokes';
}

/** Which call a middleware sees: the service and the `operationId`. */
export interface MiddlewareCall {
  service: string;
  operationId: string;
}

/**
 * Runs around every request, as openapi-fetch's middleware does: `onRequest` may return a new
 * `Request` (or change headers in place) before it is sent, `onResponse` may return a new
 * `Response` before the client reads it. Several run in order for requests, in reverse for
 * responses; a token refresh and the retry after it go through them too.
 */
export interface Middleware {
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only changes the request in place returns nothing
  onRequest?(context: MiddlewareCall & { request: Request }): Request | void | Promise<Request | void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only looks at the response returns nothing
  onResponse?(context: MiddlewareCall & { request: Request; response: Response }): Response | void | Promise<Response | void>;
}

/** Descriptors of every operation, by service name and `operationId`. */
export type OperationTable = {
  readonly [service: string]: { readonly [operationId: string]: OperationDescriptor };
};

/** Every service the SDK was generated for. */
export type ServiceName = keyof ServiceOperations & string;

/** How a client reaches and authenticates to the services. */
export interface ClientOptions<Service extends string = ServiceName> {
  /** One base URL for every service (`https://shop.example`), or one per service. */
  baseUrl: string | Partial<Record<Service, string>>;
  /** The `fetch` to call, e.g. an in-process one in tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Where sign-in tokens are kept; defaults to {@link memoryTokenStore}. */
  tokenStore?: TokenStore;
  /** A fixed access token, used while the token store holds none. */
  accessToken?: string;
  /** A merchant API key, sent as `X-Api-Key`. */
  apiKey?: string;
  /**
   * A service credential, sent as `X-Service-Credential` (a function is called per request, so it
   * can rotate). A client acting for a service should also pass a token store that keeps nothing,
   * so that a token pair in some response never becomes its identity.
   */
  serviceCredential?: string | (() => string);
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** On `401 TOKEN_EXPIRED`, refresh the token pair once and retry (default `true`). */
  autoRefresh?: boolean;
  /** Code run around every request and response (logging, tracing, headers): see {@link Middleware}. */
  middleware?: Middleware[];
}

/** The per-call argument as the runtime sees it; the typed shape is `OperationArgs`. */
interface CallArgs {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

interface Attempt {
  response: Response;
  /** The access token this attempt was sent with, to tell whether a refresh already happened. */
  accessToken: string | undefined;
}

const TOKEN_EXPIRED = 'TOKEN_EXPIRED';
/** Statuses of a refresh that mean the refresh token itself is no good. */
const REFRESH_REJECTED = new Set([400, 401, 403]);

/**
 * Builds a client over any operation table: what {@link createClient} does with the generated
 * one. Use it for a service whose spec is not part of this SDK (a third-party plugin), passing
 * that spec's generated table and `ServiceOperations` type.
 *
 * @example
 * import { operationTable, type ServiceOperations } from './generated/operations.js';
 * const client = createClientFor<ServiceOperations, typeof operationTable>(operationTable, { baseUrl: 'http://localhost:3000' });
 */
export function createClientFor<Services, Table extends OperationTable = OperationTable>(
  table: Table,
  options: ClientOptions<keyof Services & string>,
): ClientOf<Services, Table> {
  const tokenStore = options.tokenStore ?? memoryTokenStore();
  const autoRefresh = options.autoRefresh ?? true;
  const refreshOperation = findOperation(table, 'refreshes');
  const middleware = options.middleware ?? [];
  let refreshing: Promise<void> | undefined;

  const baseUrlOf = (service: string): string => {
    const base = typeof options.baseUrl === 'string' ? options.baseUrl : (options.baseUrl as Record<string, string | undefined>)[service];
    if (!base) throw new Error(`TokoBapak client: no baseUrl for service "${service}"`);
    return base.replace(/\/+$/, '');
  };

  const send = async (service: string, id: string, operation: OperationDescriptor, args: CallArgs, anonymous: boolean): Promise<Attempt> => {
    const headers = new Headers(options.headers);
    // Binary operations take whatever the server sends (a per-call `accept` header still wins); errors are problem+json either way.
    headers.set('accept', operation.response === 'binary' ? '*/*' : 'application/json, application/problem+json');
    const accessToken = anonymous ? undefined : (tokenStore.get()?.accessToken ?? options.accessToken);
    if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
    if (options.apiKey) headers.set('x-api-key', options.apiKey);
    const credential = typeof options.serviceCredential === 'function' ? options.serviceCredential() : options.serviceCredential;
    if (credential) headers.set('x-service-credential', credential);
    for (const [name, value] of Object.entries(args.headers ?? {})) {
      if (value !== undefined) headers.set(name, String(value));
    }
    if (args.idempotencyKey !== undefined) headers.set('idempotency-key', args.idempotencyKey);
    let body: string | FormData | undefined;
    if (args.body !== undefined && operation.body === 'multipart') {
      // fetch writes the content type itself, with the boundary it chose.
      headers.delete('content-type');
      body = formDataOf(args.body); // built per attempt: a retry sends a fresh copy
    } else if (args.body !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(args.body);
    }
    const url = baseUrlOf(service) + buildPath(operation.path, args.params) + buildQuery(args.query);
    // Taken out of `options` first: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const init: RequestInit = { method: operation.method, headers, redirect: 'manual' };
    if (body !== undefined) init.body = body;
    if (args.signal) init.signal = args.signal;
    if (middleware.length === 0) return { response: await fetchImpl(url, init), accessToken };
    return { response: await throughMiddleware(middleware, { service, operationId: id }, new Request(url, init), fetchImpl), accessToken };
  };

  /** Refreshes the token pair once, however many requests ask at the same time. */
  const refresh = (staleAccessToken: string | undefined): Promise<void> => {
    const current = tokenStore.get();
    if (!current || current.accessToken !== staleAccessToken) return Promise.resolve(); // already refreshed
    refreshing ??= (async () => {
      try {
        if (!refreshOperation) throw new Error('TokoBapak client: no operation of this SDK declares x-session: refreshes');
        await call(refreshOperation.service, refreshOperation.id, refreshOperation.operation, { body: { refreshToken: current.refreshToken } }, true);
      } catch (error) {
        // A rejected refresh token ends the session; throttling, an outage or a network failure does not.
        if (error instanceof TokoBapakError && REFRESH_REJECTED.has(error.status)) tokenStore.set(undefined);
        throw error;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  const call = async (service: string, id: string, operation: OperationDescriptor, rawArgs: CallArgs | undefined, isRefresh = false): Promise<unknown> => {
    const name = `${service}.${id}`;
    const args: CallArgs = { ...rawArgs };
    if (operation.idempotent) args.idempotencyKey ??= randomUuid();
    try {
      let attempt = await send(service, id, operation, args, isRefresh);
      if (!isSuccess(attempt.response, operation)) {
        const error = await errorFromResponse(name, attempt.response);
        const canRefresh = autoRefresh && !isRefresh && error.status === 401 && error.code === TOKEN_EXPIRED && tokenStore.get()?.refreshToken;
        if (!canRefresh) throw error;
        try {
          await refresh(attempt.accessToken);
        } catch (refreshError) {
          if (refreshError instanceof TokoBapakError) throw new TokoBapakError(name, error.problem, { cause: refreshError });
          throw refreshError;
        }
        attempt = await send(service, id, operation, args, false);
        if (!isSuccess(attempt.response, operation)) throw await errorFromResponse(name, attempt.response);
      }
      const result = await readResult(name, attempt.response, operation);
      // Only operations whose spec says they issue or refresh a session touch the tokens.
      const tokens = operation.session === 'issues' || operation.session === 'refreshes' ? tokenPairIn(result) : undefined;
      if (tokens) tokenStore.set(tokens);
      return result;
    } finally {
      // Whatever the answer: after asking to end the session, this client no longer acts in it.
      if (operation.session === 'revokes') tokenStore.set(undefined);
    }
  };

  async function* iterate(service: string, id: string, operation: OperationDescriptor, args: CallArgs | undefined) {
    let cursor = args?.query?.cursor;
    for (;;) {
      const query = { ...args?.query };
      if (cursor === undefined || cursor === null) delete query.cursor;
      else query.cursor = cursor;
      const page = (await call(service, id, operation, { ...args, query })) as { items?: unknown[]; nextCursor?: unknown };
      yield* page.items ?? [];
      if (page.nextCursor === null || page.nextCursor === undefined) return;
      cursor = page.nextCursor;
    }
  }

  const client: Record<string, Record<string, unknown>> = {};
  for (const [service, operations] of Object.entries(table)) {
    const namespace: Record<string, unknown> = {};
    for (const [id, operation] of Object.entries(operations)) {
      const method = (args?: CallArgs) => call(service, id, operation, args);
      namespace[id] = operation.paginated ? Object.assign(method, { iterate: (args?: CallArgs) => iterate(service, id, operation, args) }) : method;
    }
    client[service] = namespace;
  }
  return client as ClientOf<Services, Table>;
}

/** The typed client: one namespace per service, one method per operation, and {@link StoreSessionHelpers}. */
export type TokoBapakClient = ClientOf<ServiceOperations, typeof operationTable> & StoreSessionHelpers;

/**
 * Creates a client for every service in the SDK. Methods resolve to the success body and throw
 * {@link TokoBapakError} otherwise; sign-in tokens are kept and refreshed automatically.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://localhost:3000' });
 * await client.auth.login({ body: { email: 'ani@example.com', password: 'rahasia-sekali' } });
 * const me = await client.user.getProfile();
 */
export function createClient(options: ClientOptions): TokoBapakClient {
  return withStoreSession(createClientFor<ServiceOperations, typeof operationTable>(operationTable, options));
}

/** The operation with the given session effect, if the table has one. */
function findOperation(
  table: OperationTable,
  session: OperationDescriptor['session'],
): { service: string; id: string; operation: OperationDescriptor } | undefined {
  for (const [service, operations] of Object.entries(table)) {
    for (const [id, operation] of Object.entries(operations)) if (operation.session === session) return { service, id, operation };
  }
  return undefined;
}

/** Sends a request through the middleware: each `onRequest` in order, the fetch, each `onResponse` in reverse. */
async function throughMiddleware(middleware: Middleware[], call: MiddlewareCall, first: Request, fetchImpl: typeof fetch): Promise<Response> {
  let request = first;
  for (const item of middleware) {
    const next = await item.onRequest?.({ ...call, request });
    if (next instanceof Request) request = next;
  }
  let response = await fetchImpl(request);
  for (const item of [...middleware].reverse()) {
    const next = await item.onResponse?.({ ...call, request, response });
    if (next instanceof Response) response = next;
  }
  return response;
}

/**
 * A multipart body as `FormData`: `Blob`s and `File`s (keeping their name) and raw bytes
 * (`Uint8Array`, `ArrayBuffer`, sent as a file named after the property) become file parts; other
 * values become text fields, objects as JSON. An array repeats the field; `undefined` and `null`
 * are left out.
 */
function formDataOf(body: unknown): FormData {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError('TokoBapak client: a multipart body must be an object');
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (item instanceof Blob) {
        // A File keeps its own name; FormData names a bare Blob "blob".
        form.append(name, item);
      } else if (item instanceof Uint8Array || item instanceof ArrayBuffer) {
        form.append(name, new Blob([bytesOf(item)]), name);
      } else {
        form.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
    }
  }
  return form;
}

/** Bytes a `Blob` accepts without copying, unless they live in a `SharedArrayBuffer`. */
function bytesOf(value: Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> | ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  return value.buffer instanceof ArrayBuffer ? (value as Uint8Array<ArrayBuffer>) : new Uint8Array(value);
}

/** A v4 UUID; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
function randomUuid(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isSuccess(response: Response, operation: OperationDescriptor): boolean {
  // 3xx counts: with `redirect: 'manual'` a redirect is an answer (`{ location }`), not a failure.
  if (response.type === 'opaqueredirect') return true;
  // 304 only answers a conditional request the caller made (`If-None-Match`); it is an answer where the spec declares it.
  if (response.status === 304) return operation.notModified === true;
  return response.status >= 200 && response.status < 400;
}

async function readResult(name: string, response: Response, operation: OperationDescriptor): Promise<unknown> {
  if (response.type === 'opaqueredirect') {
    // Browsers hide the Location of a manual redirect: navigate to the operation's URL instead.
    throw new TokoBapakError(name, {
      type: 'about:blank',
      title: 'The redirect target is not readable from this environment',
      status: 0,
      code: 'REDIRECT_NOT_READABLE',
    });
  }
  if (response.status === 304) return notModifiedResult(response);
  if (response.status >= 300) return { location: response.headers.get('location') ?? '' };
  if (response.status === 204 || response.status === 205) return undefined;
  if (operation.response === 'binary') return binaryResult(response);
  const text = await response.text();
  if (text === '') return undefined;
  return /json/i.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
}

async function binaryResult(response: Response): Promise<BinaryResult> {
  const header = response.headers.get('content-type');
  const blob = await response.blob();
  const result: BinaryResult = {
    notModified: false,
    status: response.status,
    body: blob,
    // The media type without parameters (`text/csv; charset=utf-8` → `text/csv`); the full header is in `headers`.
    contentType: header?.split(';')[0]?.trim().toLowerCase() || 'application/octet-stream',
    headers: response.headers,
  };
  const etag = response.headers.get('etag');
  if (etag !== null) result.etag = etag;
  return result;
}

function notModifiedResult(response: Response): NotModifiedResult {
  const result: NotModifiedResult = { notModified: true, status: 304, headers: response.headers };
  const etag = response.headers.get('etag');
  if (etag !== null) result.etag = etag;
  return result;
}

function tokenPairIn(result: unknown): StoredTokens | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { accessToken, refreshToken } = result as Record<string, unknown>;
  return typeof accessToken === 'string' && typeof refreshToken === 'string' ? { accessToken, refreshToken } : undefined;
}

function buildPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`TokoBapak client: missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(String(value));
  });
}

function buildQuery(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(name, String(item));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
