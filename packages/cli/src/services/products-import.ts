import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type TokoBapakClient, TokoBapakError } from '@tokobapak/sdk';
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
  /** False when nothing was imported because of the rejected rows (the default, all-or-nothing mode): the store is as it was. */
  imported: boolean;
}

/** Progress of an import: rows sent so far, then the commit. */
export interface ImportProgress {
  phase: 'sending' | 'committing';
  /** Products sent so far. */
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
 * Imports a product file as one staged import. Every row is checked here first; unless
 * `validOnly`, one bad row means nothing is sent. Then the products go to the server in batches
 * (each with its offset in the import, so a rejection names its row) and one commit applies them
 * all in one transaction: in the default all-or-nothing mode a row only the server can judge (a
 * SKU another product holds, say) rolls everything back, so nothing is ever half-imported.
 */
export async function importProductFile(options: ImportOptions): Promise<ImportSummary> {
  const { products, issues, csv } = await readProductFile(options.file);
  const summary: ImportSummary = { file: options.file, products: products.length, created: 0, updated: 0, rejected: [...issues], imported: true };
  const badRows = new Set(issues.map((issue) => issue.row));
  if (issues.length > 0 && !options.validOnly) return finish({ ...summary, imported: false });

  // A product is sent only if none of its lines had a problem here; the server's row indices are positions in this list.
  const sendable = products.filter((source) => !badRows.has(source.row) && !source.variantRows.some((row) => badRows.has(row)));
  if (sendable.length === 0) return finish(summary);
  const report = (problem: { index: number; pointer: string; message: string }) => {
    const source = sendable[problem.index];
    if (source) summary.rejected.push(issue(source, problem.pointer, problem.message, csv));
  };
  const inventory = options.client.inventory;
  const batches = Math.ceil(sendable.length / options.batchSize);
  let importId: string | undefined;
  try {
    importId = (await inventory.createProductImport()).importId;
    const params = { importId };
    for (let batch = 0; batch < batches; batch += 1) {
      const offset = batch * options.batchSize;
      const slice = sendable.slice(offset, offset + options.batchSize);
      // Rows rejected here are remembered by the import and reported again by the commit.
      await inventory.addProductImportRows({ params, body: { rows: slice.map((source) => source.product), offset } });
      options.onProgress?.({ phase: 'sending', done: offset + slice.length, total: sendable.length, batch: batch + 1, batches });
    }
    options.onProgress?.({ phase: 'committing', done: sendable.length, total: sendable.length, batch: batches, batches });
    const result = await inventory.commitProductImport({ params, body: { mode: options.validOnly ? 'valid-only' : 'all-or-nothing' } });
    summary.created = result.created;
    summary.updated = result.updated;
    for (const rejected of result.rejected) for (const error of rejected.errors) report({ index: rejected.index, ...error });
    return finish(summary);
  } catch (error) {
    if (importId) await inventory.abandonProductImport({ params: { importId } }).catch(() => undefined);
    if (error instanceof TokoBapakError && error.code === 'INVENTORY_IMPORT_REJECTED') {
      for (const problem of error.problem.errors ?? []) {
        const match = /^#\/rows\/(\d+)(.*)$/.exec(problem.pointer);
        if (match) report({ index: Number(match[1]), pointer: match[2] ?? '', message: problem.message });
      }
      return finish({ ...summary, imported: false });
    }
    if (error instanceof TokoBapakError)
      throw new CliError('CLI_REQUEST_FAILED', `The store refused the import (${error.status} ${error.code}): ${error.problem.detail ?? error.problem.title}`);
    throw new CliError('CLI_REQUEST_FAILED', `Cannot reach the store: ${(error as Error).message}`);
  }
}

function issue(source: SourceProduct, pointer: string, message: string, csv: boolean): RowIssue {
  const { row, field } = locate(source, pointer, csv);
  return { row, handle: source.product.handle ?? null, field, message };
}

function finish(summary: ImportSummary): ImportSummary {
  summary.rejected.sort((a, b) => a.row - b.row);
  return summary;
}
