import { isDeepStrictEqual } from 'node:util';
import { type RawBuilder, sql } from 'kysely';
import type { JsonSchema } from './spec-routes.js';

/**
 * SQL that builds one JSON value of a response schema in PostgreSQL, so a hot read path can send
 * the database's JSON text as it is (`SerializedJson`) instead of parsing, re-mapping and
 * re-serializing it. Made only by {@link schemaJsonObject} and {@link schemaJsonArray}, which check
 * it against the schema when the query is built: an object has exactly the schema's properties,
 * and a nested object or array of objects must itself be built from its own schema. A field that is
 * not in the spec therefore has no way into the text.
 */
export class SchemaJson {
  constructor(
    readonly schema: JsonSchema,
    readonly expression: RawBuilder<unknown>,
  ) {}
}

const hasProperties = (schema: JsonSchema | undefined): boolean => schema !== undefined && typeof schema.properties === 'object';

/** Whether `field` was built from the schema of a property that holds objects (one, or an array of them). */
function builtFor(property: JsonSchema, field: RawBuilder<unknown> | SchemaJson): boolean {
  if (!(field instanceof SchemaJson)) return false;
  if (hasProperties(property)) return isDeepStrictEqual(field.schema, property);
  return field.schema.type === 'array' && isDeepStrictEqual(field.schema.items, property.items);
}

/**
 * `json_build_object(…)` of `schema` (an object schema with `properties`, `$ref`s resolved): one
 * SQL expression per property, in the schema's order. Throws when a field is not a property of the
 * schema, when a property has no field, or when an object-valued property is given as plain SQL.
 */
export function schemaJsonObject(schema: JsonSchema, fields: Record<string, RawBuilder<unknown> | SchemaJson>): SchemaJson {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) throw new Error('schemaJsonObject: the schema has no properties');
  const extra = Object.keys(fields).filter((name) => !(name in properties));
  if (extra.length) throw new Error(`schemaJsonObject: ${extra.join(', ')} not in the schema`);
  const parts: RawBuilder<unknown>[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const field = fields[name];
    if (field === undefined) throw new Error(`schemaJsonObject: no field for ${name}`);
    const holdsObjects = hasProperties(property) || (property.type === 'array' && hasProperties(property.items));
    if (holdsObjects && !builtFor(property, field)) {
      throw new Error(`schemaJsonObject: ${name} must be built from its own schema (schemaJsonObject or schemaJsonArray)`);
    }
    parts.push(sql`${sql.lit(name)}, ${field instanceof SchemaJson ? field.expression : field}`);
  }
  return new SchemaJson(schema, sql`json_build_object(${sql.join(parts)})`);
}

/**
 * An array of `items`, as an aggregate over rows: `wrap` receives the item's expression and returns
 * the SQL that aggregates it (e.g. a `json_agg` subquery); the schema is the array of those items.
 */
export function schemaJsonArray(items: SchemaJson, wrap: (item: RawBuilder<unknown>) => RawBuilder<unknown>): SchemaJson {
  return new SchemaJson({ type: 'array', items: items.schema }, wrap(items.expression));
}
