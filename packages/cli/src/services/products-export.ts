import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type TokoBapakClient, TokoBapakError } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { type ProductRow, productsToCsv } from './products-rows.js';

/** Export formats. */
export type ExportFormat = 'csv' | 'json';

/** What an export wrote. */
export interface ExportSummary {
  format: ExportFormat;
  products: number;
  variants: number;
  /** The file written, or null for standard output. */
  output: string | null;
}

/** The format asked for, or the one the output file's name implies, or CSV. */
export function resolveFormat(format: string | undefined, output: string | undefined): ExportFormat {
  const chosen = format ?? (output && extname(output).toLowerCase() === '.json' ? 'json' : 'csv');
  if (chosen !== 'csv' && chosen !== 'json') throw new CliError('CLI_INVALID_VALUE', `--format / TOKOBAPAK_FORMAT must be csv or json, got "${chosen}"`);
  return chosen;
}

/** Reads every non-archived product of the store and renders it in the import's format. */
export async function exportProductFile(client: TokoBapakClient, format: ExportFormat): Promise<{ text: string; products: ProductRow[] }> {
  const products: ProductRow[] = [];
  try {
    for await (const product of client.inventory.exportProducts.iterate({ query: { limit: 100 } })) products.push(product);
  } catch (error) {
    if (error instanceof TokoBapakError)
      throw new CliError('CLI_REQUEST_FAILED', `The store refused the export (${error.status} ${error.code}): ${error.problem.detail ?? error.problem.title}`);
    throw new CliError('CLI_REQUEST_FAILED', `Cannot reach the store: ${(error as Error).message}`);
  }
  return { products, text: format === 'csv' ? productsToCsv(products) : `${JSON.stringify(products, null, 2)}\n` };
}

/** Writes an export to a file. */
export async function writeExport(output: string, text: string): Promise<void> {
  try {
    await writeFile(output, text, 'utf8');
  } catch (error) {
    throw new CliError('CLI_FILE_UNREADABLE', `Cannot write ${output}: ${(error as Error).message}`);
  }
}
