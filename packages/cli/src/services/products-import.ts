import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createClient, type TokoBapakClient, TokoBapakError } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { locate, productsFromCsv, productsFromJson, type RowIssue, type SourceProduct } from './products-rows.js';

/** What an import did. */
export interface ImportSummary {
  file: string;
  /** Products in the file. */
  products: number;
  created: number;
  updated: number;
  /** Every rejected row, with why; sorted by row. */
  rejected: RowIssue[];
  /** False when nothing was imported because of the rejected rows (the default, all-or-nothing mode). */
  imported: boolean;
}

/** Progress of an import, reported after each batch. */
export interface ImportProgress {
  done: number;
  total: number;
  batch: number;
  batches: number;
}

/** Inputs of {@link importProductFile}. */
export interface ImportOptions {
  file: string;
  client: TokoBapakClient;
  validOnly: boolean;
  batchSize: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** A client for a store's API, authenticated with a merchant API key. */
export function storeClient(url: string, apiKey: string | undefined, fetchImpl?: typeof fetch): TokoBapakClient {
  if (!apiKey)
    throw new CliError('CLI_INVALID_VALUE', 'An API key is needed: pass --api-key or set TOKOBAPAK_API_KEY (a store-scoped key with products:write)');
  if (!URL.canParse(url)) throw new CliError('CLI_INVALID_VALUE', `--url / TOKOBAPAK_URL is not a URL: ${url}`);
  return createClient({ baseUrl: url, apiKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

/** Reads a CSV or JSON product file (by its extension). */
export async function readProductFile(file: string): Promise<{ products: SourceProduct[]; issues: RowIssue[]; csv: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('CLI_FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`);
  }
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return { ...productsFromCsv(text), csv: true };
  if (extension === '.json') return { ...productsFromJson(text), csv: false };
  throw new CliError('CLI_FILE_UNREADABLE', `${file}: the file must end with .csv or .json`);
}

/**
 * Imports a product file in batches. Every row is checked here first; unless `validOnly`, one bad
 * row means nothing is sent. Each batch is all-or-nothing on the server too, so a row the server
 * refuses (a SKU another product holds, say) stops the import at that batch; batches before it
 * stay imported, and the summary says so.
 */
export async function importProductFile(options: ImportOptions): Promise<ImportSummary> {
  const { products, issues, csv } = await readProductFile(options.file);
  const summary: ImportSummary = { file: options.file, products: products.length, created: 0, updated: 0, rejected: [...issues], imported: true };
  const badRows = new Set(issues.map((issue) => issue.row));
  if (issues.length > 0 && !options.validOnly) return finish({ ...summary, imported: false });

  // A product is sent only if none of its lines had a problem here.
  const sendable = products.filter((source) => !badRows.has(source.row) && !source.variantRows.some((row) => badRows.has(row)));
  const batches = Math.max(1, Math.ceil(sendable.length / options.batchSize));
  for (let batch = 0; batch * options.batchSize < sendable.length; batch += 1) {
    const slice = sendable.slice(batch * options.batchSize, (batch + 1) * options.batchSize);
    try {
      const result = await options.client.inventory.importProducts({
        body: { rows: slice.map((source) => source.product), mode: options.validOnly ? 'valid-only' : 'all-or-nothing' },
      });
      summary.created += result.created;
      summary.updated += result.updated;
      for (const rejected of result.rejected) {
        const source = slice[rejected.index];
        if (!source) continue;
        for (const error of rejected.errors) summary.rejected.push(issue(source, error.pointer, error.message, csv));
      }
    } catch (error) {
      if (error instanceof TokoBapakError && error.code === 'INVENTORY_IMPORT_REJECTED') {
        for (const problem of error.problem.errors ?? []) {
          const match = /^#\/rows\/(\d+)(.*)$/.exec(problem.pointer);
          const source = match ? slice[Number(match[1])] : undefined;
          if (source) summary.rejected.push(issue(source, match?.[2] ?? '', problem.message, csv));
        }
        return finish({ ...summary, imported: summary.created + summary.updated > 0 });
      }
      if (error instanceof TokoBapakError)
        throw new CliError(
          'CLI_REQUEST_FAILED',
          `The store refused the import (${error.status} ${error.code}): ${error.problem.detail ?? error.problem.title}`,
        );
      throw new CliError('CLI_REQUEST_FAILED', `Cannot reach the store: ${(error as Error).message}`);
    }
    options.onProgress?.({ done: Math.min(sendable.length, (batch + 1) * options.batchSize), total: sendable.length, batch: batch + 1, batches });
  }
  return finish(summary);
}

function issue(source: SourceProduct, pointer: string, message: string, csv: boolean): RowIssue {
  const { row, field } = locate(source, pointer, csv);
  return { row, handle: source.product.handle ?? null, field, message };
}

function finish(summary: ImportSummary): ImportSummary {
  summary.rejected.sort((a, b) => a.row - b.row);
  return summary;
}
