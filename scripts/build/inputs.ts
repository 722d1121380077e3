import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

// What a package's build output is made of besides its own files: compiler settings and the
// installed versions of tsup, esbuild, TypeScript and every bundled dependency.
const WORKSPACE_INPUTS = ['tsconfig.base.json', 'pnpm-lock.yaml'];
const PACKAGE_INPUTS = ['package.json', 'tsup.config.ts', 'tsconfig.json'];

/**
 * A digest of everything that goes into one package's `dist/`: its `src/` and `scripts/` trees, its manifest and
 * build configuration, and the workspace's compiler settings and lockfile. Tests, READMEs and
 * other packages' sources are not inputs (workspace dependencies stay external in the bundle).
 */
export async function inputsHash(root: string, dir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    ...WORKSPACE_INPUTS.map((name) => join(root, name)),
    ...PACKAGE_INPUTS.map((name) => join(dir, name)),
    ...(await filesUnder(join(dir, 'src'))),
    ...(await filesUnder(join(dir, 'scripts'))),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash
      .update(relative(root, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
