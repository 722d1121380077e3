import { multipartBodySchema } from './multipart.js';
import type { OpenApiDocument } from './plugin.js';
import { createRefResolver, isJsonMediaType, specOperations } from './spec-reader.js';

/** One security alternative of an operation: a scheme and the scopes it requires. */
export interface SecurityRequirement {
  /**
   * `anonymous` is the empty alternative `{}`: a caller presenting no credential at all may call
   * (the handler then identifies it some other way, as the cart does by its cart token).
   */
  scheme: 'bearerAuth' | 'apiKeyAuth' | 'serviceAuth' | 'anonymous';
  scopes: string[];
}

/** Everything the server needs to bind one spec operation to a Fastify route. */
export interface OperationRoute {
  service: string;
  operationId: string;
  method: string;
  /** The spec path (`/user/me/addresses/{addressId}`). */
  path: string;
  /** The Fastify URL (`/user/me/addresses/:addressId`). */
  url: string;
  /** Empty means public. */
  security: SecurityRequirement[];
  body?: JsonSchema;
  /** How the body arrives: JSON, or `multipart/form-data` parsed into fields and {@link UploadedFile}s. */
  bodyType: 'json' | 'multipart';
  /** The operation's own request size limit in bytes (`x-body-limit`), instead of the server's 1 MiB. */
  bodyLimit?: number;
  bodyRequired: boolean;
  params?: JsonSchema;
  query?: JsonSchema;
  headers?: JsonSchema;
  queryNames: string[];
  headerNames: string[];
  /** Response schemas by status code (`undefined` for responses without a JSON body). */
  responses: Record<number, JsonSchema | undefined>;
  successStatuses: number[];
  idempotent: boolean;
  /**
   * The body field the operation is idempotent by on its own (`x-idempotent-by`): a repeat with it
   * answers the same resource, a different request with it is refused by the operation. An
   * in-process call (another loaded service) then makes no idempotency record; see in-process-calls.ts.
   */
  idempotentBy?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is open-ended
export type JsonSchema = Record<string, any>;

const SCHEMES = new Set(['bearerAuth', 'apiKeyAuth', 'serviceAuth']);
const REQUEST_TYPES = ['application/json', 'multipart/form-data'];

/** Reads every operation of a bundled spec, with local `$ref`s inlined. Throws on anything the runtime cannot honour. */
export function readOperations(service: string, spec: OpenApiDocument): OperationRoute[] {
  const resolve = createRefResolver(spec);
  for (const path of Object.keys(spec.paths)) {
    if (!path.startsWith(`/${service}/`)) throw new Error(`${service}: path ${path} must start with /${service}/`);
  }
  return specOperations(spec, service).map(({ path, method, pathItem, operation }) =>
    readOperation(service, path, method, operation, (pathItem.parameters as JsonSchema[] | undefined) ?? [], resolve),
  );
}

function readOperation(
  service: string,
  path: string,
  method: string,
  rawOperation: JsonSchema,
  sharedParameters: JsonSchema[],
  resolve: (value: unknown) => unknown,
): OperationRoute {
  const operation = resolve(rawOperation) as JsonSchema;
  const where = `${service}: ${method.toUpperCase()} ${path}`;
  const operationId = operation.operationId as string | undefined;
  if (!operationId) throw new Error(`${where} has no operationId`);
  if (!Array.isArray(operation.security)) throw new Error(`${where} (${operationId}) must declare security ([] for public)`);

  const security = (operation.security as Array<Record<string, string[]>>).map((requirement) => {
    const entries = Object.entries(requirement);
    if (entries.length === 0) return { scheme: 'anonymous', scopes: [] } as SecurityRequirement;
    if (entries.length !== 1) throw new Error(`${where}: each security alternative must name exactly one scheme (or none, {}: anyone without credentials)`);
    const [scheme, scopes] = entries[0] as [string, string[]];
    if (!SCHEMES.has(scheme)) throw new Error(`${where}: unknown security scheme ${scheme}`);
    return { scheme, scopes } as SecurityRequirement;
  });

  const parameters = [...(resolve(sharedParameters) as JsonSchema[]), ...((operation.parameters as JsonSchema[] | undefined) ?? [])];
  const params = parameterSchema(parameters, 'path');
  const query = parameterSchema(parameters, 'query');
  const headers = parameterSchema(parameters, 'header');

  const requestContent = operation.requestBody?.content as Record<string, { schema?: JsonSchema }> | undefined;
  const requestTypes = Object.keys(requestContent ?? {});
  if (requestTypes.some((type) => !REQUEST_TYPES.includes(type)) || requestTypes.length > 1) {
    throw new Error(`${where}: a request body must be either application/json or multipart/form-data`);
  }
  const bodyType = requestTypes[0] === 'multipart/form-data' ? 'multipart' : 'json';
  const rawBody = requestContent?.[requestTypes[0] ?? '']?.schema;
  const body = rawBody && bodyType === 'multipart' ? multipartBodySchema(rawBody) : rawBody;
  const bodyLimit = operation['x-body-limit'] as unknown;
  if (bodyLimit !== undefined && !(Number.isInteger(bodyLimit) && (bodyLimit as number) > 0))
    throw new Error(`${where}: x-body-limit must be a positive integer`);

  const idempotent = (headers?.names ?? []).includes('idempotency-key');
  const idempotentBy = readIdempotentBy(where, operation['x-idempotent-by'], idempotent, bodyType === 'json' ? body : undefined);

  const responses: Record<number, JsonSchema | undefined> = {};
  for (const [code, response] of Object.entries((operation.responses ?? {}) as Record<string, JsonSchema>)) {
    if (!/^\d{3}$/.test(code)) continue;
    const content = response.content as Record<string, { schema?: JsonSchema }> | undefined;
    const type = Object.keys(content ?? {}).find(isJsonMediaType);
    responses[Number(code)] = type ? content?.[type]?.schema : undefined;
  }
  const successStatuses = Object.keys(responses)
    .map(Number)
    .filter((code) => code >= 200 && code < 400)
    .sort((a, b) => a - b);
  if (successStatuses.length === 0) throw new Error(`${where}: declares no success response`);

  return {
    service,
    operationId,
    method: method.toUpperCase(),
    path,
    url: path.replace(/\{([^}]+)\}/g, ':$1'),
    security,
    ...(body ? { body } : {}),
    bodyType,
    ...(bodyLimit !== undefined ? { bodyLimit: bodyLimit as number } : {}),
    bodyRequired: operation.requestBody?.required === true,
    ...(params ? { params: params.schema } : {}),
    ...(query ? { query: query.schema } : {}),
    ...(headers ? { headers: headers.schema } : {}),
    queryNames: query?.names ?? [],
    headerNames: headers?.names ?? [],
    responses,
    successStatuses,
    idempotent,
    ...(idempotentBy !== undefined ? { idempotentBy } : {}),
  };
}

/** `x-idempotent-by`: a required string property of an idempotent operation's JSON body. */
function readIdempotentBy(where: string, declared: unknown, idempotent: boolean, body: JsonSchema | undefined): string | undefined {
  if (declared === undefined) return undefined;
  if (typeof declared !== 'string' || declared === '') throw new Error(`${where}: x-idempotent-by must name a body property`);
  if (!idempotent) throw new Error(`${where}: x-idempotent-by needs the Idempotency-Key header parameter (clients over HTTP keep using it)`);
  const property = (body?.properties as JsonSchema | undefined)?.[declared] as JsonSchema | undefined;
  const required = Array.isArray(body?.required) && (body.required as unknown[]).includes(declared);
  if (property?.type !== 'string' || !required)
    throw new Error(`${where}: x-idempotent-by names ${declared}, which must be a required string property of the JSON body`);
  return declared;
}

function parameterSchema(parameters: JsonSchema[], location: string): { schema: JsonSchema; names: string[] } | undefined {
  const selected = parameters.filter((parameter) => parameter.in === location);
  if (selected.length === 0) return undefined;
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const parameter of selected) {
    // Header names are case-insensitive; Node hands them to us lower-cased.
    const name = location === 'header' ? String(parameter.name).toLowerCase() : String(parameter.name);
    properties[name] = parameter.schema ?? {};
    if (parameter.required || location === 'path') required.push(name);
  }
  return { schema: { type: 'object', properties, ...(required.length ? { required } : {}) }, names: Object.keys(properties) };
}
