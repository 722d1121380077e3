import type { Command } from 'commander';
import { accountVariables } from '../services/account-environment.js';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { createProduct, publishProduct } from '../services/merchant-actions.js';
import { productVariables } from '../services/products-env.js';
import { exportProductFile, resolveFormat, writeExport } from '../services/products-export.js';
import { importProductFile } from '../services/products-import.js';
import { type Env, parseBoolean, resolveJson } from '../services/settings.js';
import { resolveConnection, storeClient } from '../services/store-connection.js';
import { productPresentation } from '../ui/account-presentations.js';
import { createImportReporter, importSummaryPresentation } from '../ui/ImportProgress.js';
import { outputMode, present, withSpinner, writeJson, writeLines } from '../ui/output.js';
import { withConnection } from './connection.js';
import { envOption } from './options.js';
import { type CreateFlags, newProductFrom } from './product-flags.js';

interface ConnectionFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
  store?: string;
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
  const products = program
    .command('products')
    .description('create, publish, import and export the products of your store (signed in with `tokobapak login`, or with a store API key)');
  const connection = (command: Command) => withConnection(command, { store: true, password: false });

  connection(products.command('create').description('create one product with one variant; a draft (not in the public catalogue) unless --publish'))
    .addOption(envOption(accountVariables.title))
    .addOption(envOption(accountVariables.handle))
    .addOption(envOption(accountVariables.price))
    .addOption(envOption(accountVariables.currency))
    .addOption(envOption(accountVariables.sku))
    .addOption(envOption(accountVariables.stock))
    .addOption(envOption(accountVariables.weight))
    .addOption(envOption(accountVariables.imageId))
    .addOption(envOption(accountVariables.publish))
    .action(async (flags: CreateFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const input = newProductFrom(flags, context);
      const created = await withSpinner(mode, context.stdout, `Creating ${input.handle}`, () => createProduct(resolveConnection(flags, context.env), input));
      present(mode, context.stdout, productPresentation(created, 'created'));
    });

  connection(products.command('publish').description('put a draft product in the public catalogue').argument('<productId>', 'the prd_… id')).action(
    async (productId: string, flags: ConnectionFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const published = await withSpinner(mode, context.stdout, `Publishing ${productId}`, () =>
        publishProduct(resolveConnection(flags, context.env), productId),
      );
      present(mode, context.stdout, productPresentation(published, 'published'));
    },
  );

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
      const client = await storeClient(resolveConnection(flags, context.env));
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
      const client = await storeClient(resolveConnection(flags, context.env));
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
