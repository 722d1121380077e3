import { type ClientOptions, createClient, operationTable, type TokoBapakClient } from '@tokobapak/sdk';
import type { FastifyInstance } from 'fastify';
import { platformErrors } from './errors.js';
import type { CallArgs, InProcessDispatch } from './in-process-calls.js';
import { serviceNotDeployed } from './service-absence.js';
import { serviceUrlVariable } from './service-dependencies.js';
import { openTransaction } from './transaction-scope.js';

/** Origin that routes a request through Fastify's `inject()` instead of a socket. */
export const IN_PROCESS_ORIGIN = 'http://in-process.tokobapak';
const UNAVAILABLE_ORIGIN = 'http://unavailable.tokobapak';

/**
 * A `fetch` that serves in-process requests with `app.inject()` (same validation, security and
 * serialization as over HTTP, minus the socket) and sends everything else over the network.
 */
export function createProcessFetch(app: FastifyInstance, options: { remoteTimeoutMs?: number } = {}): typeof fetch {
  const remoteTimeoutMs = options.remoteTimeoutMs ?? DEFAULT_REMOTE_SERVICE_TIMEOUT_MS;
  return async (input, init) => {
    // The SDK calls with a URL string and a text body: those skip the WHATWG Request (its header
    // guard and body stream) on the in-process path. Anything else is read through a Request.
    const direct = typeof input === 'string' && (init?.body === undefined || init.body === null || typeof init.body === 'string');
    const request = direct ? undefined : new Request(input, init);
    const url = new URL(request ? request.url : (input as string));
    if (url.origin === UNAVAILABLE_ORIGIN) {
      const service = url.pathname.split('/')[1] ?? 'unknown';
      const variable = serviceUrlVariable(service);
      throw serviceNotDeployed(service, variable);
    }
    if (url.origin !== IN_PROCESS_ORIGIN) return fetchRemote(request ?? new Request(input, init), url, remoteTimeoutMs);
    let method: string;
    let headers: Record<string, string>;
    let payload: string | Buffer | undefined;
    if (request) {
      method = request.method;
      headers = Object.fromEntries(request.headers);
      payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    } else {
      method = (init?.method ?? 'GET').toUpperCase();
      // A GET or HEAD with a body is refused as fetch refuses it.
      if ((method === 'GET' || method === 'HEAD') && typeof init?.body === 'string') throw new TypeError('Request with GET/HEAD method cannot have body.');
      // Headers normalizes names to lower case and joins repeats, as the Request did.
      headers = Object.fromEntries(new Headers(init?.headers));
      payload = typeof init?.body === 'string' ? init.body : undefined;
      if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
    }
    const response = await app.inject({
      method: method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, String(item));
    }
    const empty = response.statusCode === 204 || response.statusCode === 304 || response.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(response.rawPayload), { status: response.statusCode, headers: responseHeaders });
  };
}

/**
 * How long a call to a service in another process may take before its caller gets a 503, in ms.
 * Above the payment and shipping gateways' own 10 s timeouts (plus the callee's database work), so
 * a slow gateway answers through the service with its own error rather than this one.
 */
export const DEFAULT_REMOTE_SERVICE_TIMEOUT_MS = 30_000;

/**
 * Sends a call to a service in another process. When nothing answers at its URL (refused, reset,
 * unknown host) or no whole answer comes within `timeoutMs`, the caller gets a 503
 * `SERVICE_UNAVAILABLE` it can retry, not a 500 and not a wait for ever: the network failing is not
 * a bug. The URL stays out of the answer (it is internal); the service and the network error code
 * are in it.
 *
 * The body is read here, inside the same bound: `fetch` resolves once the status and headers are
 * in, and a callee that stalls after them would otherwise fail the caller's later read with the
 * bound's bare `TimeoutError` (a 500), or with a dropped connection's `TypeError`, half answered.
 * The caller gets the whole answer or the 503. Every caller reads the whole body anyway.
 */
async function fetchRemote(request: Request, url: URL, timeoutMs: number): Promise<Response> {
  const service = url.pathname.split('/')[1] || 'unknown';
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(request, { signal: AbortSignal.any([request.signal, deadline]) });
    const body = await response.arrayBuffer();
    // A status that carries no body (204, 304) must be given none.
    return new Response(body.byteLength === 0 ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (error) {
    // Our own bound ran out (not the caller's abort, which stays what it is): the callee is deployed but hung.
    if (deadline.aborted && !request.signal.aborted) {
      throw platformErrors.SERVICE_UNAVAILABLE(`Service ${service} did not answer at its configured URL: timed out after ${timeoutMs} ms`);
    }
    // fetch rejects with a TypeError for network failures; an abort (the caller hung up) stays what it is.
    if (!(error instanceof TypeError)) throw error;
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    throw platformErrors.SERVICE_UNAVAILABLE(`Service ${service} did not answer at its configured URL${typeof cause === 'string' ? ` (${cause})` : ''}`);
  }
}

/** The SDK namespace of a service: services are named in kebab-case (`image-proxy`), clients in camelCase (`imageProxy`). */
export function clientNamespace(service: string): string {
  return service.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * Where each service is reached from this process, keyed by SDK namespace: in-process for the
 * services loaded here, the configured URL for remote ones, and a clear 503 for any other.
 */
export function serviceBaseUrls(localServices: string[], remoteServices: Record<string, string>, knownNamespaces: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const namespace of knownNamespaces) urls[namespace] = UNAVAILABLE_ORIGIN;
  for (const [service, url] of Object.entries(remoteServices)) urls[clientNamespace(service)] = url.replace(/\/$/, '');
  for (const service of localServices) urls[clientNamespace(service)] = IN_PROCESS_ORIGIN;
  return urls;
}

/**
 * A client that calls other services as `service`, with a credential refreshed before it expires.
 * With `inProcess`, calls to services loaded in this process go straight to their handlers (see
 * {@link InProcessCalls}); every other call, and any call that path declines, goes through `fetch`.
 */
export function createServiceClient(options: {
  fetch: typeof fetch;
  baseUrl: Record<string, string>;
  service: string;
  signServiceToken: (service: string) => string;
  inProcess?: { namespaces: string[]; dispatch: InProcessDispatch };
}): TokoBapakClient {
  let credential = '';
  let issuedAt = 0;
  const refreshAfterMs = 30 * 60 * 1000; // tokens live an hour; renew at half-life
  const serviceCredential = () => {
    if (Date.now() - issuedAt > refreshAfterMs) {
      credential = options.signServiceToken(options.service);
      issuedAt = Date.now();
    }
    return credential;
  };
  const clientOptions: ClientOptions = {
    baseUrl: options.baseUrl,
    fetch: refuseInsideTransaction(options.fetch),
    autoRefresh: false,
    // A service acts as itself only: tokens in a response it relays must never become its identity.
    tokenStore: { get: () => undefined, set() {} },
    serviceCredential,
  };
  const client = createClient(clientOptions);
  if (!options.inProcess) return client;
  const { dispatch } = options.inProcess;
  const direct: Record<string, unknown> = { ...client };
  for (const namespace of options.inProcess.namespaces) {
    const overHttp = (client as unknown as Record<string, Record<string, SdkMethod>>)[namespace];
    if (!overHttp) continue;
    const methods: Record<string, unknown> = {};
    for (const [operationId, viaFetch] of Object.entries(overHttp)) {
      const call = (args?: CallArgs) => {
        refuseIfInTransaction(() => describeCall(namespace, operationId, args));
        return dispatch(namespace, operationId, args ?? {}, serviceCredential()) ?? viaFetch(args);
      };
      methods[operationId] = viaFetch.iterate ? Object.assign(call, { iterate: (args?: CallArgs) => pages(call, args) }) : call;
    }
    direct[namespace] = methods;
  }
  return direct as unknown as TokoBapakClient;
}

/** `POST /auth/api-keys/verify`, as the HTTP path names a call. */
function describeCall(namespace: string, operationId: string, args: CallArgs | undefined): string {
  const descriptor = (operationTable as OperationTable)[namespace]?.[operationId];
  if (!descriptor) return `${namespace}.${operationId}`;
  const path = descriptor.path.replace(/\{([^}]+)\}/g, (template, name: string) => {
    const value = args?.params?.[name];
    return value === undefined || value === null ? template : encodeURIComponent(String(value));
  });
  return `${descriptor.method} ${path}`;
}

type SdkMethod = ((args?: CallArgs) => Promise<unknown>) & { iterate?: unknown };
type OperationTable = Record<string, Record<string, { method: string; path: string } | undefined> | undefined>;

/** The items of every page of a paginated operation, following `nextCursor` as the SDK's `iterate()` does. */
async function* pages(call: (args?: CallArgs) => Promise<unknown>, args: CallArgs | undefined): AsyncGenerator<unknown> {
  let cursor = args?.query?.cursor;
  for (;;) {
    const query = { ...args?.query };
    if (cursor === undefined || cursor === null) delete query.cursor;
    else query.cursor = cursor;
    const page = (await call({ ...args, query })) as { items?: unknown[]; nextCursor?: unknown };
    yield* page.items ?? [];
    if (page.nextCursor === null || page.nextCursor === undefined) return;
    cursor = page.nextCursor;
  }
}

/**
 * Fails a call made while a database transaction is open, before anything is sent: the callee may
 * need the database (on embedded PGlite the one connection the transaction holds, so both would
 * wait for ever), and a remote effect cannot roll back with the transaction anyway.
 */
function refuseInsideTransaction(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    refuseIfInTransaction(() => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      return `${method} ${url.pathname}`;
    });
    return inner(input, init);
  };
}

/** Throws `SERVICE_CALL_IN_TRANSACTION`, naming the call, when a transaction is open here. */
function refuseIfInTransaction(describeCall: () => string): void {
  const scope = openTransaction();
  if (!scope) return;
  throw platformErrors.SERVICE_CALL_IN_TRANSACTION(
    `${scope.service} called ${describeCall()} through ctx.clients inside ${scope.opener}: call other services before or after the transaction`,
  );
}
