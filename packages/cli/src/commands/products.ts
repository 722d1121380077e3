import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { productVariables } from '../services/products-env.js';
import { exportProductFile, resolveFormat, writeExport } from '../services/products-export.js';
import { importProductFile, storeClient } from '../services/products-import.js';
import { type Env, parseBoolean, resolveJson } from '../services/settings.js';
import { DEFAULT_STORE_URL } from '../services/store-environment.js';
import { createImportReporter, importSummaryPresentation } from '../ui/ImportProgress.js';
import { outputMode, present, withSpinner, writeJson, writeLines } from '../ui/output.js';
import { envOption, storeOptions } from './options.js';

interface ConnectionFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
}

interface ImportFlags extends ConnectionFlags {
  validOnly?: boolean;
  batchSize?: string;
}

interface ExportFlags extends ConnectionFlags {
  format?: string;
  output?: string;
}

/** `tokobapak products import|export`: a store's catalogue to and from CSV or JSON, through the API. */
export function registerProductsCommand(program: Command, context: CliContext): void {
  const products = program.command('products').description('import or export the products of a store (with a store-scoped API key)');
  const connection = (command: Command) =>
    command.addOption(envOption(productVariables.url)).addOption(envOption(productVariables.apiKey)).addOption(storeOptions.json());

  connection(
    products
      .command('import')
      .description('create or update products from a CSV or JSON file (one CSV line per variant, grouped by handle)')
      .argument('<file>', 'a .csv or .json file'),
  )
    .addOption(envOption(productVariables.validOnly))
    .addOption(envOption(productVariables.batchSize))
    .action(async (file: string, flags: ImportFlags) => {
      const json = resolveJson(flags.json, context.env);
      const mode = outputMode(json, context.stdout, context.env);
      const client = storeClient(url(flags, context.env), flags.apiKey ?? nonEmpty(context.env[productVariables.apiKey.name]));
      const validOnly = flags.validOnly ?? fromEnv(context.env, productVariables.validOnly.name, parseBoolean) ?? false;
      const batchSize = parseBatchSize(flags.batchSize ?? nonEmpty(context.env[productVariables.batchSize.name]));
      const reporter = createImportReporter(mode, context.stdout, file);
      let summary: Awaited<ReturnType<typeof importProductFile>>;
      try {
        summary = await importProductFile({ file, client, validOnly, batchSize, onProgress: (progress) => reporter.update(progress) });
      } finally {
        reporter.close();
      }
      present(mode, context.stdout, importSummaryPresentation(summary));
      // With --valid-only, rejected rows are the expected outcome; otherwise they fail the command.
      if (!summary.imported || (!validOnly && summary.rejected.length > 0)) {
        throw new CliError('CLI_IMPORT_REJECTED', `${summary.rejected.length} row(s) of ${file} are not valid`, { reported: true });
      }
    });

  connection(products.command('export').description("write the store's products (all but archived ones) in the import's format"))
    .addOption(envOption(productVariables.format))
    .addOption(envOption(productVariables.output))
    .action(async (flags: ExportFlags) => {
      const json = resolveJson(flags.json, context.env);
      const output = flags.output ?? nonEmpty(context.env[productVariables.output.name]);
      const format = resolveFormat(flags.format ?? nonEmpty(context.env[productVariables.format.name]), output);
      const client = storeClient(url(flags, context.env), flags.apiKey ?? nonEmpty(context.env[productVariables.apiKey.name]));
      if (!output) {
        // The export itself is the output; --json has nothing to add.
        const { text } = await exportProductFile(client, format);
        context.stdout.write(text);
        return;
      }
      const mode = outputMode(json, context.stdout, context.env);
      const { text, products: rows } = await withSpinner(mode, context.stdout, 'Exporting products', () => exportProductFile(client, format));
      await writeExport(output, text);
      const summary = { format, products: rows.length, variants: rows.reduce((sum, row) => sum + row.variants.length, 0), output };
      if (mode === 'json') writeJson(context.stdout, summary);
      else writeLines(context.stdout, [`Wrote ${summary.products} products (${summary.variants} variants) to ${output} as ${format}`]);
    });
}

function url(flags: ConnectionFlags, env: Env): string {
  return flags.url ?? nonEmpty(env[productVariables.url.name]) ?? DEFAULT_STORE_URL;
}

function parseBatchSize(raw: string | undefined): number {
  if (raw === undefined) return 500;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > 1000)
    throw new CliError('CLI_INVALID_VALUE', `--batch-size / TOKOBAPAK_BATCH_SIZE must be 1 to 1000, got "${raw}"`);
  return value;
}

function fromEnv<T>(env: Env, name: string, parse: (raw: string, where: string) => T): T | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : parse(raw, name);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
