import type { InventoryComponents } from '@tokobapak/sdk';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ProductStatus } from './database.js';
import { spec } from './generated/spec.js';

type Schemas = InventoryComponents['schemas'];

/** One problem with a product, pointing into it (`/variants/0/sku`; empty for the product as a whole). */
export interface FieldIssue {
  pointer: string;
  message: string;
}

/** A whole product with every default applied: what is written. */
export interface ProductDraft {
  title: string;
  handle: string;
  description: string | null;
  categories: string[];
  imageIds: string[];
  options: Array<{ name: string; values: string[] }>;
  variants: Array<{
    sku: string;
    title: string | null;
    optionValues: Record<string, string>;
    price: { amount: number; currency: string };
    weight: number;
    stockOnHand: number;
  }>;
  status: ProductStatus;
}

let validateRow: ValidateFunction | undefined;

/**
 * Checks an import row against the spec's `ProductInput` schema. Import rows are deliberately not
 * part of the request validation, so that one bad row can be reported without refusing the others.
 */
export function checkRowShape(row: unknown): FieldIssue[] {
  if (!validateRow) {
    const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: false, useDefaults: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
    ajv.addSchema({ ...spec, $id: 'inventory-spec' });
    validateRow = ajv.getSchema('inventory-spec#/components/schemas/ProductInput');
    if (!validateRow) throw new Error('inventory: the spec has no ProductInput schema');
  }
  if (validateRow(row)) return [];
  return (validateRow.errors ?? []).map(describe);
}

function describe(error: ErrorObject): FieldIssue {
  if (error.keyword === 'additionalProperties')
    return { pointer: `${error.instancePath}/${String(error.params.additionalProperty)}`, message: 'is not an allowed property' };
  if (error.keyword === 'required') return { pointer: `${error.instancePath}/${String(error.params.missingProperty)}`, message: 'is required' };
  return { pointer: error.instancePath, message: error.message ?? 'is not valid' };
}

/** A `ProductInput` (already valid against the schema) with its defaults applied. */
export function toDraft(input: Schemas['ProductInput']): ProductDraft {
  return {
    title: input.title,
    handle: input.handle,
    description: input.description ?? null,
    categories: input.categories ?? [],
    imageIds: input.imageIds ?? [],
    options: input.options ?? [],
    variants: input.variants.map((variant) => ({
      sku: variant.sku,
      title: variant.title ?? null,
      optionValues: variant.optionValues ?? {},
      price: variant.price,
      weight: variant.weight,
      stockOnHand: variant.stockOnHand,
    })),
    status: input.status ?? 'draft',
  };
}

/**
 * The rules a schema cannot say: option names are distinct, each variant names one listed value of
 * every option (and nothing else), no two variants share their option values or SKU, prices are
 * not negative, and every variant has the product's currency.
 */
export function checkConsistency(draft: ProductDraft): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const optionNames = new Set<string>();
  draft.options.forEach((option, i) => {
    if (optionNames.has(option.name)) issues.push({ pointer: `/options/${i}/name`, message: `option "${option.name}" is listed twice` });
    optionNames.add(option.name);
  });
  const currency = draft.variants[0]?.price.currency;
  const skus = new Set<string>();
  const combinations = new Set<string>();
  draft.variants.forEach((variant, i) => {
    const at = `/variants/${i}`;
    if (skus.has(variant.sku)) issues.push({ pointer: `${at}/sku`, message: `SKU "${variant.sku}" is used by another variant of this product` });
    skus.add(variant.sku);
    // Money allows negative amounts (refunds, discounts); a price does not.
    if (variant.price.amount < 0) issues.push({ pointer: `${at}/price/amount`, message: 'must be >= 0' });
    if (variant.price.currency !== currency) issues.push({ pointer: `${at}/price/currency`, message: `must be ${currency}, like the product's first variant` });
    for (const name of Object.keys(variant.optionValues)) {
      if (!optionNames.has(name)) issues.push({ pointer: `${at}/optionValues/${name}`, message: `the product has no option "${name}"` });
    }
    for (const option of draft.options) {
      const value = variant.optionValues[option.name];
      if (value === undefined) issues.push({ pointer: `${at}/optionValues`, message: `needs a value for option "${option.name}"` });
      else if (!option.values.includes(value))
        issues.push({ pointer: `${at}/optionValues/${option.name}`, message: `"${value}" is not one of ${option.values.join(', ')}` });
    }
    const combination = JSON.stringify(draft.options.map((option) => variant.optionValues[option.name] ?? null));
    if (combinations.has(combination)) {
      issues.push({
        pointer: `${at}/optionValues`,
        message:
          draft.options.length === 0
            ? 'a product without options has one variant; add an option to tell variants apart'
            : 'another variant has the same option values',
      });
    }
    combinations.add(combination);
  });
  return issues;
}
