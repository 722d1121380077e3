import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { CliError } from './errors.js';
import { type Workspace, workspacePackage } from './workspace.js';

const run = promisify(execFile);

/**
 * Packs packages of a checkout into `destination` with `pnpm pack`, which is what publishing
 * uploads: `workspace:` ranges become versions and `publishConfig` replaces the exports that point
 * at sources. Returns package name → tarball file name. The packages must be built (`pnpm build`);
 * a tarball without `dist/` would install and then fail at the first import.
 */
export async function packWorkspacePackages(workspace: Workspace, names: string[], destination: string): Promise<Record<string, string>> {
  await mkdir(destination, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const name of names) {
    const dir = workspacePackage(workspace, name);
    const missing = (await builtOutputs(dir)).filter((file) => !existsSync(join(dir, file)));
    if (missing.length > 0) {
      throw new CliError('CLI_PACKAGE_MISSING', `${name} in ${workspace.root} is not built (no ${missing[0]}); run \`pnpm build\` there first`);
    }
    tarballs[name] = basename(await pnpmPack(dir, destination));
  }
  return tarballs;
}

async function builtOutputs(dir: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { main?: string; bin?: Record<string, string> };
  return [manifest.main, ...Object.values(manifest.bin ?? {})].filter((file): file is string => typeof file === 'string');
}

async function pnpmPack(dir: string, destination: string): Promise<string> {
  try {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination, '--json'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return (JSON.parse(stdout) as { filename: string }).filename;
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'pnpm is not on PATH (the checkout is a pnpm workspace)' : String((error as Error).message);
    throw new CliError('CLI_PACK_FAILED', `packing ${dir} failed: ${reason}`);
  }
}
