import { isJsonMediaType, specOperations } from '../../packages/server/src/spec-reader.js';
import { asObject, type JsonObject } from './bundle.js';

/** What the SDK runtime needs to know about one operation. */
export interface OperationInfo {
  method: string;
  path: string;
  /** The 200 response is a page: `{ items, nextCursor }`. */
  paginated: boolean;
  /** The operation declares the `Idempotency-Key` header parameter. */
  idempotent: boolean;
  /** How the request body is sent: `application/json` (also for operations without a body) or `multipart/form-data`. */
  body: 'json' | 'multipart';
  /** For a multipart body, its file properties (`format: binary`, or `contentMediaType` without `type`), in authored order. */
  files?: string[];
  /**
   * What the success responses carry: `json` (also for operations that answer without a body) or
   * `binary` (any other media type: `image/webp`, `application/octet-stream`, `text/csv`).
   */
  response: 'json' | 'binary';
  /** The operation declares a `304 Not Modified` response (a conditional GET, `If-None-Match`). */
  notModified?: true;
  /** The runtime port it provides (`x-provides`), such as `apiKeyVerifier`. */
  provides?: string;
  /** What it does to the client's session (`x-session`): `issues` a token pair, `refreshes` it, or `revokes` it. */
  session?: 'issues' | 'refreshes' | 'revokes';
}

const SESSION_EFFECTS = new Set(['issues', 'refreshes', 'revokes']);

/** Follows local `#/components/...` refs until it reaches a value that is not a reference. */
export function resolveLocal(doc: JsonObject, node: unknown): JsonObject | undefined {
  let current = asObject(node);
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`reference cycle at ${current.$ref}`);
    const segments = current.$ref.replace(/^#\//, '').split('/');
    let target: unknown = doc;
    for (const segment of segments) target = asObject(target)?.[segment];
    if (target === undefined) throw new Error(`unresolved $ref ${current.$ref}`);
    current = asObject(target);
  }
  return current;
}

/**
 * Lists the operations of a bundled spec in authored order, keyed by `operationId`. Fails on a
 * missing or duplicate `operationId`, since everything downstream is keyed by it.
 */
export function collectOperations(doc: JsonObject, specName: string): Array<[string, OperationInfo]> {
  const out: Array<[string, OperationInfo]> = [];
  const seen = new Set<string>();
  for (const { path, method, pathItem, operation } of specOperations(doc, specName)) {
    const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters : [];
    const id = operation.operationId;
    if (typeof id !== 'string' || id === '') {
      throw new Error(`${specName}: ${method.toUpperCase()} ${path} has no operationId`);
    }
    if (seen.has(id)) throw new Error(`${specName}: duplicate operationId "${id}"`);
    seen.add(id);
    const own = Array.isArray(operation.parameters) ? operation.parameters : [];
    const parameters = [...shared, ...own].map((parameter) => resolveLocal(doc, parameter) ?? {});
    const info: OperationInfo = {
      method: method.toUpperCase(),
      path,
      paginated: isPage(doc, operation),
      idempotent: parameters.some(
        (parameter) => parameter.in === 'header' && typeof parameter.name === 'string' && parameter.name.toLowerCase() === 'idempotency-key',
      ),
      body: 'json',
      response: responseKind(doc, operation, `${specName}: ${id}`),
    };
    if (asObject(operation.responses)?.['304'] !== undefined) info.notModified = true;
    if (typeof operation['x-provides'] === 'string') info.provides = operation['x-provides'];
    const session = operation['x-session'];
    if (session !== undefined) {
      if (typeof session !== 'string' || !SESSION_EFFECTS.has(session)) throw new Error(`${specName}: ${id}: x-session must be issues, refreshes or revokes`);
      info.session = session as OperationInfo['session'];
    }
    const multipart = multipartSchema(doc, operation, `${specName}: ${id}`);
    if (multipart) {
      info.body = 'multipart';
      info.files = binaryProperties(doc, multipart);
    }
    out.push([id, info]);
  }
  return out;
}

/**
 * The body schema of a `multipart/form-data` operation, `undefined` for any other. An operation takes
 * JSON or multipart, never both (the runtime answers the other type with 415), so both is an error.
 */
function multipartSchema(doc: JsonObject, operation: JsonObject, where: string): JsonObject | undefined {
  const content = asObject(resolveLocal(doc, operation.requestBody)?.content);
  if (!content || !('multipart/form-data' in content)) return undefined;
  if (Object.keys(content).length > 1) throw new Error(`${where}: a request body is either application/json or multipart/form-data, not both`);
  return resolveLocal(doc, asObject(content['multipart/form-data'])?.schema) ?? {};
}

/** A success status key of `responses`: `200`…`299` or the `2XX` range. */
const SUCCESS_STATUS = /^2(\d\d|XX)$/i;

/**
 * Whether the success responses of an operation are JSON or binary (bytes the client hands over as
 * a `Blob`). The client reads a response by this kind, so an operation whose success responses mix
 * JSON with other media types is an error, like a request body that is both JSON and multipart.
 */
function responseKind(doc: JsonObject, operation: JsonObject, where: string): 'json' | 'binary' {
  const json: string[] = [];
  const binary: string[] = [];
  for (const [status, raw] of Object.entries(asObject(operation.responses) ?? {})) {
    if (!SUCCESS_STATUS.test(status)) continue;
    for (const mediaType of Object.keys(asObject(resolveLocal(doc, raw)?.content) ?? {})) {
      (isJsonMediaType(mediaType) ? json : binary).push(`${status} ${mediaType}`);
    }
  }
  if (json.length > 0 && binary.length > 0) {
    throw new Error(`${where}: success responses are either JSON or binary, not both (${[...json, ...binary].join(', ')})`);
  }
  return binary.length > 0 ? 'binary' : 'json';
}

/** Names of the file properties of a multipart body schema, exactly as the runtime's multipart validator picks them. */
function binaryProperties(doc: JsonObject, schema: JsonObject): string[] {
  return Object.entries(asObject(schema.properties) ?? {})
    .filter(([, raw]) => {
      const property = resolveLocal(doc, raw) ?? {};
      return property.format === 'binary' || (property.contentMediaType !== undefined && property.type === undefined);
    })
    .map(([name]) => name);
}

function isPage(doc: JsonObject, operation: JsonObject): boolean {
  const response = resolveLocal(doc, asObject(operation.responses)?.['200']);
  const schema = resolveLocal(doc, asObject(asObject(response?.content)?.['application/json'])?.schema);
  const properties = schemaProperties(doc, schema);
  return properties.has('items') && properties.has('nextCursor');
}

/** Property names of an object schema, including those contributed by `allOf` members. */
function schemaProperties(doc: JsonObject, schema: JsonObject | undefined, depth = 0): Set<string> {
  const names = new Set<string>(Object.keys(asObject(schema?.properties) ?? {}));
  if (schema && Array.isArray(schema.allOf) && depth < 8) {
    for (const member of schema.allOf) {
      for (const name of schemaProperties(doc, resolveLocal(doc, member), depth + 1)) names.add(name);
    }
  }
  return names;
}
