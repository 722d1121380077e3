/**
 * The one reader of service specs that both the runtime (routes, events, dependencies) and
 * `pnpm generate` (SDK, catalogue, manifests) use, so they cannot disagree on which methods exist,
 * which media types are JSON, or what a spec says about its events and the services it calls.
 * It has no dependencies: the generator imports it by path, before anything is built.
 */

/** A parsed JSON/YAML object. */
export type SpecObject = { [key: string]: unknown };

/** Every method OpenAPI allows on a path item, in the order OpenAPI lists them. */
export const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The methods an operation may use: the runtime binds these, and a spec with another one is refused by both. */
export const OPERATION_METHODS: ReadonlySet<string> = new Set(['get', 'put', 'post', 'patch', 'delete']);

// `application/json`, `application/problem+json`, `application/vnd.x+json; charset=utf-8`.
const JSON_MEDIA_TYPE = /^[^/]+\/([^;]*\+)?json\s*(;|$)/i;

/** Whether a media type carries JSON (`application/json` or any `…+json`, with or without parameters). */
export function isJsonMediaType(mediaType: string): boolean {
  return JSON_MEDIA_TYPE.test(mediaType);
}

/** One operation of a spec, where it sits. */
export interface SpecOperation {
  path: string;
  /** Lower case, one of {@link OPERATION_METHODS}. */
  method: string;
  pathItem: SpecObject;
  operation: SpecObject;
}

/**
 * Every operation of a bundled spec in authored order. Throws, naming `where`, on a method OpenAPI
 * allows but no TokoBapak service serves (`head`, `options`, `trace`): Fastify answers HEAD and
 * OPTIONS itself, so an operation declared with one would never run.
 */
export function specOperations(doc: SpecObject, where: string): SpecOperation[] {
  const resolve = createRefResolver(doc);
  const out: SpecOperation[] = [];
  for (const [path, rawItem] of Object.entries(asObject(doc.paths) ?? {})) {
    const pathItem = asObject(typeof asObject(rawItem)?.$ref === 'string' ? resolve(rawItem) : rawItem) ?? {};
    for (const method of OPENAPI_METHODS) {
      const operation = asObject(pathItem[method]);
      if (!operation) continue;
      if (!OPERATION_METHODS.has(method)) {
        throw new Error(`${where}: ${method.toUpperCase()} ${path}: operations use GET, PUT, POST, PATCH or DELETE`);
      }
      out.push({ path, method, pathItem, operation });
    }
  }
  return out;
}

/** Returns `value` when it is a plain object, else `undefined`. */
export function asObject(value: unknown): SpecObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SpecObject) : undefined;
}

/**
 * A function that inlines every local `#/…` reference of `doc` in a value (bundled specs have no
 * others). A reference's sibling keys override the target's. Throws on a recursive schema.
 */
export function createRefResolver(doc: SpecObject): (value: unknown) => unknown {
  const lookup = (ref: string): unknown => {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    let node: unknown = doc;
    for (const segment of ref.slice(2).split('/')) node = asObject(node)?.[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node;
  };
  const resolve = (value: unknown, depth = 0): unknown => {
    if (depth > 64) throw new Error('$ref nesting too deep (recursive schema?)');
    if (Array.isArray(value)) return value.map((item) => resolve(item, depth + 1));
    const record = asObject(value);
    if (!record) return value;
    if (typeof record.$ref === 'string') {
      const { $ref, ...siblings } = record;
      const target = resolve(lookup($ref), depth + 1) as SpecObject;
      return Object.keys(siblings).length ? { ...target, ...(resolve(siblings, depth + 1) as SpecObject) } : target;
    }
    const out: SpecObject = {};
    for (const [key, child] of Object.entries(record)) out[key] = resolve(child, depth + 1);
    return out;
  };
  return resolve;
}

/** An event a service owns, as its spec declares it under `x-events.publishes`. */
export interface DeclaredEvent {
  type: string;
  description: string;
  /** Other services may publish it too (they list it under `x-events.alsoPublishes`). */
  shared: boolean;
  /** The payload schema as written (usually a `$ref` to `#/components/schemas/…`). */
  payload: SpecObject;
  /** The runtime port this event serves (`x-provides`), such as `accountDeleted`. */
  provides?: string;
}

/** A service another one calls, from `x-calls`. */
export interface DeclaredCall {
  service: string;
  /** The caller starts without it (a warning names it); its calls answer 503 until it is there. */
  optional: boolean;
  why: string;
}

/** What a spec declares about its asynchronous half and its dependencies. */
export interface ServiceContract {
  publishes: DeclaredEvent[];
  /** Events owned by another service that this one publishes too (`shared: true` there). */
  alsoPublishes: string[];
  consumes: string[];
  calls: DeclaredCall[];
}

const EVENT_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$/;

/**
 * Reads `x-events` and `x-calls` of a service spec, checking their shape. Every type a service owns
 * starts with `<service>.`; missing sections are empty.
 *
 * @example
 * const contract = readServiceContract('inventory', spec);
 * contract.consumes; // ['merchant.store-suspended', 'merchant.store-reinstated']
 */
export function readServiceContract(service: string, doc: SpecObject): ServiceContract {
  const where = `${service}`;
  const events = asObject(doc['x-events']) ?? {};
  const publishes: DeclaredEvent[] = [];
  for (const [type, raw] of Object.entries(asObject(events.publishes) ?? {})) {
    const entry = asObject(raw);
    if (!EVENT_TYPE.test(type)) throw new Error(`${where}: x-events.publishes: "${type}" is not an event type (<service>.<what-happened>)`);
    if (!type.startsWith(`${service}.`)) {
      throw new Error(`${where}: x-events.publishes: "${type}" must start with "${service}." (another service's shared event goes under alsoPublishes)`);
    }
    const payload = asObject(entry?.payload);
    if (!payload) throw new Error(`${where}: x-events.publishes.${type} has no payload schema`);
    const declared: DeclaredEvent = {
      type,
      description: typeof entry?.description === 'string' ? entry.description : '',
      shared: entry?.shared === true,
      payload,
    };
    if (typeof entry?.['x-provides'] === 'string') declared.provides = entry['x-provides'];
    publishes.push(declared);
  }
  const calls: DeclaredCall[] = [];
  for (const [callee, raw] of Object.entries(asObject(doc['x-calls']) ?? {})) {
    const entry = asObject(raw) ?? {};
    if (callee === service) throw new Error(`${where}: x-calls names the service itself`);
    calls.push({ service: callee, optional: entry.optional === true, why: typeof entry.why === 'string' ? entry.why : '' });
  }
  return {
    publishes,
    alsoPublishes: typeList(events.alsoPublishes, `${where}: x-events.alsoPublishes`),
    consumes: typeList(events.consumes, `${where}: x-events.consumes`),
    calls,
  };
}

function typeList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where} must be a list of event types`);
  for (const type of value) if (typeof type !== 'string' || !EVENT_TYPE.test(type)) throw new Error(`${where}: "${String(type)}" is not an event type`);
  return [...new Set(value as string[])];
}
