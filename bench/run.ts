/**
 * `pnpm bench`: load figures for a TokoBapak store (see bench/README.md).
 *
 * The harness reads the workspace packages from their sources (the `development` export
 * condition, as vitest and tsc do). `tsx bench/run.ts` cannot set a condition, so this entry
 * re-runs itself under `node --conditions=development --import tsx` first; everything that
 * imports a workspace package is loaded only after that, dynamically.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE } from './options.js';

const CONDITION = '--conditions=development';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (!process.execArgv.includes(CONDITION)) return reRunWithCondition(argv);
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { runBench } = await import('./harness.js');
  return runBench(options);
}

function reRunWithCondition(argv: string[]): Promise<number> {
  const child = spawn(process.execPath, [CONDITION, '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
  // Ctrl-C reaches both processes (same process group); the child cleans up, this one waits for it.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

process.exitCode = await main();
