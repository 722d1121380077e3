import { asObject, type JsonObject } from './bundle.js';

/** What the SDK runtime needs to know about one operation. */
export interface OperationInfo {
  method: string;
  path: string;
  /** The 200 response is a page: `{ items, nextCursor }`. */
  paginated: boolean;
  /** The operation declares the `Idempotency-Key` header parameter. */
  idempotent: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

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
  for (const [path, rawPathItem] of Object.entries(asObject(doc.paths) ?? {})) {
    const pathItem = resolveLocal(doc, rawPathItem) ?? {};
    const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters : [];
    for (const method of METHODS) {
      const operation = asObject(pathItem[method]);
      if (!operation) continue;
      const id = operation.operationId;
      if (typeof id !== 'string' || id === '') {
        throw new Error(`${specName}: ${method.toUpperCase()} ${path} has no operationId`);
      }
      if (seen.has(id)) throw new Error(`${specName}: duplicate operationId "${id}"`);
      seen.add(id);
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      const parameters = [...shared, ...own].map((parameter) => resolveLocal(doc, parameter) ?? {});
      out.push([
        id,
        {
          method: method.toUpperCase(),
          path,
          paginated: isPage(doc, operation),
          idempotent: parameters.some(
            (parameter) => parameter.in === 'header' && typeof parameter.name === 'string' && parameter.name.toLowerCase() === 'idempotency-key',
          ),
        },
      ]);
    }
  }
  return out;
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
