import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const repositoryRoot = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/** Runs `pnpm generate` (scripts/generate.ts) as a process on other folders, from the repository root. */
export function runGenerator(folders: { root: string; openapiDir: string; sdkGeneratedDir: string; pluginsDir: string }, ...args: string[]) {
  return run(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/generate.ts',
      '--root',
      folders.root,
      '--openapi',
      folders.openapiDir,
      '--sdk-out',
      folders.sdkGeneratedDir,
      '--plugins',
      folders.pluginsDir,
      ...args,
    ],
    { cwd: repositoryRoot },
  );
}
