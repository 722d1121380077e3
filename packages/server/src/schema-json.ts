import { isDeepStrictEqual } from 'node:util';
import { type RawBuilder, sql } from 'kysely';
import type { JsonSchema } from './spec-routes.js';

/**
 * SQL that builds the JSON text of one value of a response schema in PostgreSQL, so a hot read path can send
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
 * The JSON text of an object of `schema` (an object schema with `properties`, `$ref`s resolved),
 * compact and in the schema's property order: one SQL expression per property. Throws when a field
 * is not a property of the schema, when a property has no field, or when an object-valued property
 * is given as plain SQL.
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
    // Compact JSON text: each key as a JSON string, each plain value through to_json (which quotes
    // and escapes it; SQL NULL is JSON null), nested values already JSON text.
    const value = field instanceof SchemaJson ? field.expression : sql`coalesce(to_json(${field})::text, 'null')`;
    parts.push(sql`${sql.lit(`${parts.length === 0 ? '{' : ','}${JSON.stringify(name)}:`)}, ${value}`);
  }
  return new SchemaJson(schema, sql`concat(${sql.join(parts)}, '}')`);
}

/**
 * An array of `items`, as an aggregate over rows: `wrap` receives the item's JSON text and returns
 * the SQL that aggregates it into the array's JSON text (see {@link jsonArrayText}); the schema is
 * the array of those items.
 */
export function schemaJsonArray(items: SchemaJson, wrap: (item: RawBuilder<unknown>) => RawBuilder<unknown>): SchemaJson {
  return new SchemaJson({ type: 'array', items: items.schema }, wrap(items.expression));
}

/** `[item,item,…]` over the rows of a subquery, in order (`[]` when there are none): for {@link schemaJsonArray}. */
export function jsonArrayText(item: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`concat('[', string_agg(${item}, ',' order by ${orderBy}), ']')`;
}
