import type { JsonSchema } from '@tokobapak/server';

/**
 * A plausible valid value for a request schema, so that a sweep changing one field reaches the
 * code behind validation rather than failing on the fields it left alone. Best effort: the spec's
 * own `examples` and `default`s first, then the shape.
 */
export function sampleValue(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return structuredClone(schema.examples[0]);
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((value: unknown) => value !== null);
  if (schema.default !== undefined) return structuredClone(schema.default);
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return sampleValue({ ...schema, oneOf: undefined, anyOf: undefined, ...variant });
  switch (primaryType(schema)) {
    case 'object':
      return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, child]) => [name, sampleValue(child)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sampleValue(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return sampleString(schema);
    default:
      return null;
  }
}

/** The schema's type, preferring anything over `null` in a `[string, "null"]` union. */
export function primaryType(schema: JsonSchema): string | undefined {
  const type = schema.type as string | string[] | undefined;
  if (Array.isArray(type)) return type.find((candidate) => candidate !== 'null');
  if (type) return type;
  if (schema.properties) return 'object';
  return undefined;
}

function sampleString(schema: JsonSchema): string {
  switch (schema.format) {
    case 'email':
      return 'sample@example.com';
    case 'date-time':
      return new Date(Date.now() + 86_400_000).toISOString();
    case 'date':
      return '2030-01-01';
    case 'uri':
    case 'url':
      return 'https://example.com/sample';
  }
  const prefix = String(schema.pattern ?? '').match(/^\^([a-z]+)_/)?.[1];
  if (prefix) return `${prefix}_${'0'.repeat(26)}`;
  return 'a'.repeat(Math.max(1, Math.min(schema.minLength ?? 8, schema.maxLength ?? 8)));
}

/** One field a sweep can change: where it sits in the value and its schema. */
export interface SchemaField {
  /** Path segments from the root value (`['variants', 0, 'sku']`). */
  path: Array<string | number>;
  type: 'string' | 'integer';
}

/** Every string and integer field of a schema, nested objects and the first item of arrays included. */
export function schemaFields(schema: JsonSchema | undefined, path: Array<string | number> = []): SchemaField[] {
  if (!schema) return [];
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return schemaFields({ ...schema, oneOf: undefined, anyOf: undefined, ...variant }, path);
  const type = primaryType(schema);
  if (type === 'string' && path.length > 0) return [{ path, type }];
  if (type === 'integer' && path.length > 0) return [{ path, type }];
  if (type === 'object')
    return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, child]) => schemaFields(child, [...path, name]));
  if (type === 'array') return schemaFields(schema.items, [...path, 0]);
  return [];
}

/** A copy of `value` with the field at `path` set to `replacement` (creating containers on the way). */
export function withField(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(value ?? {}) as Record<string | number, unknown>;
  let node = copy;
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      node[segment] = replacement;
      return;
    }
    if (node[segment] === null || typeof node[segment] !== 'object') node[segment] = typeof path[index + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
  return copy;
}
