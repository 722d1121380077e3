import type { InventoryComponents } from '@tokobapak/sdk';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** A product as the import operation takes it. */
export type ProductRow = InventoryComponents['schemas']['ProductInput'];

/** One problem with the file, by the line (CSV, counting the header as 1) or index (JSON) it is on. */
export interface RowIssue {
  /** CSV line number, or the product's position in a JSON file (from 1). */
  row: number;
  handle: string | null;
  /** The CSV column or JSON field, when the problem is with one. */
  field: string | null;
  message: string;
}

/** A product read from the file, with where each of its parts came from. */
export interface SourceProduct {
  product: ProductRow;
  /** The row number of the product (its first line). */
  row: number;
  /** The row number of each variant, in order. */
  variantRows: number[];
}

/** The columns of the CSV format, in the order export writes them. */
export const CSV_COLUMNS = [
  'handle',
  'title',
  'description',
  'status',
  'categories',
  'image_ids',
  'option1_name',
  'option1_value',
  'option2_name',
  'option2_value',
  'option3_name',
  'option3_value',
  'sku',
  'variant_title',
  'price',
  'currency',
  'weight',
  'stock',
] as const;

type CsvRecord = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;

const PRODUCT_FIELDS = ['title', 'description', 'status', 'categories', 'image_ids'] as const;

/**
 * Reads CSV text: one line per variant, lines grouped into products by `handle`. Product columns
 * (title, description, status, categories, image_ids, option names) are read from a product's
 * first line; later lines may leave them empty. Lists (categories, image_ids) are `;`-separated.
 */
export function productsFromCsv(text: string): { products: SourceProduct[]; issues: RowIssue[] } {
  let records: CsvRecord[];
  try {
    records = parse(text, { columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    return { products: [], issues: [{ row: 1, handle: null, field: null, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const issues: RowIssue[] = [];
  const byHandle = new Map<string, SourceProduct>();
  records.forEach((record, i) => {
    const row = i + 2;
    const handle = record.handle || null;
    const problem = (field: string | null, message: string) => issues.push({ row, handle, field, message });
    if (!handle) {
      problem('handle', 'is required');
      return;
    }
    const options: Array<{ name: string; value: string }> = [];
    for (const n of [1, 2, 3] as const) {
      const name = record[`option${n}_name`];
      const value = record[`option${n}_value`];
      if (value && !name && !byHandle.get(handle)?.product.options?.[n - 1]) problem(`option${n}_name`, `is required with option${n}_value`);
      const optionName = name || byHandle.get(handle)?.product.options?.[n - 1]?.name;
      if (optionName && !value) problem(`option${n}_value`, `is required: the product has option "${optionName}"`);
      if (optionName && value) options.push({ name: optionName, value });
    }
    const sku = record.sku;
    if (!sku) problem('sku', 'is required');
    const price = integer(record.price, 'price', problem, true);
    const weight = integer(record.weight, 'weight', problem, false) ?? 0;
    const stock = integer(record.stock, 'stock', problem, false) ?? 0;
    const currency = record.currency?.toUpperCase();
    if (!currency) problem('currency', 'is required');
    let source = byHandle.get(handle);
    if (!source) {
      if (!record.title) problem('title', 'is required on the first line of a product');
      const status = record.status || 'draft';
      if (status !== 'draft' && status !== 'active') problem('status', 'must be draft or active');
      source = {
        row,
        variantRows: [],
        product: {
          handle,
          title: record.title ?? '',
          description: record.description || null,
          categories: list(record.categories),
          imageIds: list(record.image_ids),
          options: options.map((option) => ({ name: option.name, values: [] })),
          variants: [],
          status: status === 'active' ? 'active' : 'draft',
        },
      };
      byHandle.set(handle, source);
    } else {
      for (const field of PRODUCT_FIELDS) {
        const value = record[field];
        if (value && value !== firstValue(source.product, field))
          problem(field, `differs from line ${source.row} of the same product; product columns belong on its first line`);
      }
    }
    const productOptions = source.product.options ?? [];
    for (const option of options) {
      const known = productOptions.find((candidate) => candidate.name === option.name);
      if (!known) problem('option1_name', `option "${option.name}" is not on line ${source.row} of this product`);
      else if (!known.values.includes(option.value)) known.values.push(option.value);
    }
    source.variantRows.push(row);
    source.product.variants.push({
      sku: sku ?? '',
      title: record.variant_title || null,
      optionValues: Object.fromEntries(options.map((option) => [option.name, option.value])),
      price: { amount: price ?? 0, currency: currency ?? '' },
      weight,
      stockOnHand: stock,
    });
  });
  return { products: [...byHandle.values()], issues };
}

/** Reads a JSON file: an array of products (what `export --format json` writes), or `{ rows: [...] }`. */
export function productsFromJson(text: string): { products: SourceProduct[]; issues: RowIssue[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { products: [], issues: [{ row: 1, handle: null, field: null, message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows))
    return { products: [], issues: [{ row: 1, handle: null, field: null, message: 'expected an array of products or { "rows": [...] }' }] };
  const issues: RowIssue[] = [];
  const products: SourceProduct[] = [];
  rows.forEach((product, i) => {
    if (product === null || typeof product !== 'object' || Array.isArray(product)) {
      issues.push({ row: i + 1, handle: null, field: null, message: 'is not an object' });
      return;
    }
    const variants = (product as { variants?: unknown }).variants;
    products.push({ row: i + 1, product: product as ProductRow, variantRows: Array.isArray(variants) ? variants.map(() => i + 1) : [] });
  });
  return { products, issues };
}

/** Products as CSV in the import's format: one line per variant, product columns on the first. */
export function productsToCsv(products: ProductRow[]): string {
  const lines: CsvRecord[] = [];
  for (const product of products) {
    product.variants.forEach((variant, i) => {
      const options = product.options ?? [];
      const line: CsvRecord = {
        handle: product.handle,
        sku: variant.sku,
        variant_title: variant.title ?? '',
        price: String(variant.price.amount),
        currency: variant.price.currency,
        weight: String(variant.weight),
        stock: String(variant.stockOnHand),
      };
      options.forEach((option, n) => {
        const index = (n + 1) as 1 | 2 | 3;
        if (i === 0) line[`option${index}_name`] = option.name;
        line[`option${index}_value`] = variant.optionValues?.[option.name] ?? '';
      });
      if (i === 0) {
        line.title = product.title;
        line.description = product.description ?? '';
        line.status = product.status ?? 'draft';
        line.categories = (product.categories ?? []).join(';');
        line.image_ids = (product.imageIds ?? []).join(';');
      }
      lines.push(line);
    });
  }
  return stringify(lines, { header: true, columns: [...CSV_COLUMNS] });
}

/**
 * Turns a server pointer into a row (`/variants/1/price/amount` → the second variant's line and
 * the `price` column), so rejections name what the user sees in the file.
 */
export function locate(source: SourceProduct, pointer: string, csv: boolean): { row: number; field: string | null } {
  const parts = pointer.split('/').filter((part) => part !== '');
  if (parts[0] === 'variants' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const row = source.variantRows[Number(parts[1])] ?? source.row;
    const rest = parts.slice(2).join('.');
    return { row, field: csv ? (VARIANT_COLUMNS[parts[2] ?? ''] ?? (rest || null)) : `variants.${parts[1]}${rest ? `.${rest}` : ''}` };
  }
  const field = parts.join('.') || null;
  return { row: source.row, field: csv && field ? (PRODUCT_COLUMNS[parts[0] ?? ''] ?? field) : field };
}

const VARIANT_COLUMNS: Record<string, string> = {
  sku: 'sku',
  title: 'variant_title',
  price: 'price',
  weight: 'weight',
  stockOnHand: 'stock',
  optionValues: 'option1_value',
};
const PRODUCT_COLUMNS: Record<string, string> = { imageIds: 'image_ids', options: 'option1_name' };

function firstValue(product: ProductRow, field: (typeof PRODUCT_FIELDS)[number]): string {
  switch (field) {
    case 'title':
      return product.title;
    case 'description':
      return product.description ?? '';
    case 'status':
      return product.status ?? 'draft';
    case 'categories':
      return (product.categories ?? []).join(';');
    case 'image_ids':
      return (product.imageIds ?? []).join(';');
  }
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function integer(raw: string | undefined, field: string, problem: (field: string, message: string) => void, required: boolean): number | undefined {
  if (raw === undefined || raw === '') {
    if (required) problem(field, 'is required');
    return undefined;
  }
  if (!/^-?\d+$/.test(raw)) {
    problem(field, `must be a whole number${field === 'price' ? ' in minor units (15000 for Rp15.000)' : ''}, got "${raw}"`);
    return undefined;
  }
  const value = Number(raw);
  if (value < 0) problem(field, `must not be negative, got ${raw}`);
  return value;
}
