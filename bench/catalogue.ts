/**
 * `pnpm bench:catalogue`: catalogue figures for a TokoBapak store (auth, user, merchant,
 * inventory, image-proxy) seeded with 10,000 products; see docs/performance-catalogue.md.
 *
 * Like `bench/run.ts`, the harness reads the workspace packages from their sources (the
 * `development` export condition), so this entry re-runs itself under
 * `node --conditions=development --import tsx` first and loads the rest dynamically.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCatalogueOptions, USAGE } from './catalogue/options.js';

const CONDITION = '--conditions=development';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (!process.execArgv.includes(CONDITION)) {
    const child = spawn(process.execPath, [CONDITION, '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
    process.on('SIGINT', () => {});
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  }
  let options: ReturnType<typeof parseCatalogueOptions>;
  try {
    options = parseCatalogueOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { runCatalogueBench } = await import('./catalogue/harness.js');
  return runCatalogueBench(options);
}

process.exitCode = await main();
