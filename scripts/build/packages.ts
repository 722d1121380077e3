import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A workspace package that has a `build` script. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  /** Files its exports point at, relative to `dir`: the JavaScript and the declarations. */
  outputs: { js: string[]; types: string[] };
}

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  exports?: Record<string, Record<string, string>>;
  bin?: Record<string, string>;
}

/** The packages of `pnpm-workspace.yaml` (plain folders and `folder/*` patterns) that build. */
export async function listPackages(root: string): Promise<WorkspacePackage[]> {
  const workspace = parse(await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: string[] };
  const dirs: string[] = [];
  for (const pattern of workspace.packages ?? []) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      const entries = existsSync(parent) ? await readdir(parent, { withFileTypes: true }) : [];
      dirs.push(...entries.filter((entry) => entry.isDirectory()).map((entry) => join(parent, entry.name)));
    } else {
      dirs.push(join(root, pattern));
    }
  }
  const packages: WorkspacePackage[] = [];
  for (const dir of dirs.sort()) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    if (!manifest.scripts?.build) continue;
    packages.push({ name: manifest.name, dir, outputs: outputsOf(manifest) });
  }
  return packages;
}

function outputsOf(manifest: Manifest): WorkspacePackage['outputs'] {
  const entries = Object.values(manifest.exports ?? {});
  return {
    js: [...entries.flatMap((entry) => (entry.import ? [entry.import] : [])), ...Object.values(manifest.bin ?? {})],
    types: entries.flatMap((entry) => (entry.types ? [entry.types] : [])),
  };
}
