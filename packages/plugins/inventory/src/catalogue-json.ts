import { type JsonSchema, jsonArrayText, readOperations, type SchemaJson, schemaJsonArray, schemaJsonObject } from '@tokobapak/server';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { InventoryDatabase } from './database.js';
import { spec } from './generated/spec.js';

/**
 * The catalogue's `Product` as compact JSON text made by PostgreSQL, built from the spec's own schemas
 * (`schemaJsonObject` refuses a field the schema does not have, and nested objects are rebuilt
 * field by field, so nothing stored in a JSONB column beyond the schema gets out either). A page is
 * then sent as the database wrote it: no variant JSON parsed, re-mapped and serialized again in
 * Node (the list page's largest cost; see docs/performance-catalogue.md).
 */

const listProducts = readOperations('inventory', spec).find((operation) => operation.operationId === 'listProducts');
const PRODUCT = productSchema(listProducts?.responses[200]);

function productSchema(page: JsonSchema | undefined): JsonSchema {
  const product = page?.properties?.items?.items as JsonSchema | undefined;
  if (!product) throw new Error('inventory spec: listProducts has no Product items');
  return product;
}
const prop = (schema: JsonSchema, name: string) => schema.properties[name] as JsonSchema;
const VARIANT = prop(PRODUCT, 'variants').items as JsonSchema;
const OPTION = prop(PRODUCT, 'options').items as JsonSchema;

/** A table alias whose columns are those of `products` (the table itself, or a page of it). */
type Source = 'products' | 'page';

// Timestamps as the API's ISO text, made by PostgreSQL.
const isoText = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function variantsJson(db: Kysely<InventoryDatabase>, source: Source): SchemaJson {
  const available = sql`v.stock_on_hand - v.reserved`;
  const variant = schemaJsonObject(VARIANT, {
    id: sql`v.id`,
    productId: sql`v.product_id`,
    sku: sql`v.sku`,
    title: sql`v.title`,
    optionValues: sql`v.option_values`,
    price: schemaJsonObject(prop(VARIANT, 'price'), { amount: sql`v.price_amount`, currency: sql`v.currency` }),
    weight: sql`v.weight`,
    stockOnHand: sql`v.stock_on_hand`,
    reserved: sql`v.reserved`,
    available,
    soldOut: sql`${available} <= 0`,
  });
  return schemaJsonArray(variant, (item) => {
    const list = db
      .selectFrom('variants as v')
      .select(jsonArrayText(item, sql`v.position`).as('variants'))
      .where(sql<SqlBool>`v.product_id = ${sql.ref(`${source}.id`)}`);
    return sql`coalesce((${list}), '[]')`;
  });
}

function optionsJson(source: Source): SchemaJson {
  const option = schemaJsonObject(OPTION, { name: sql`o.value -> 'name'`, values: sql`o.value -> 'values'` });
  return schemaJsonArray(
    option,
    (item) =>
      sql`coalesce((select ${jsonArrayText(item, sql`o.position`)} from jsonb_array_elements(${sql.ref(`${source}.options`)}) with ordinality o(value, position)), '[]')`,
  );
}

/** One catalogue `Product` as JSON text, from the `products` columns of `source`. */
export function productJson(db: Kysely<InventoryDatabase>, source: Source): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${source}.${name}`);
  const product = schemaJsonObject(PRODUCT, {
    id: column('id'),
    storeId: column('store_id'),
    handle: column('handle'),
    title: column('title'),
    description: column('description'),
    categories: column('categories'),
    imageIds: column('image_ids'),
    options: optionsJson(source),
    variants: variantsJson(db, source),
    status: column('status'),
    soldOut: column('sold_out'),
    fromPrice: schemaJsonObject(prop(PRODUCT, 'fromPrice'), { amount: column('from_price'), currency: column('currency') }),
    createdAt: isoText(column('created_at')),
    updatedAt: isoText(column('updated_at')),
  });
  return sql<string>`${product.expression}`;
}
