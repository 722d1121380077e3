import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * For `--runtime dist`: the packages the server loads must have been built, and built after their
 * sources last changed, or the figures would describe other code. Throws when a build is missing;
 * returns a warning per build older than its sources.
 */
export async function checkDistBuilds(plugins: string[]): Promise<string[]> {
  const packages = ['packages/server', 'packages/sdk', ...plugins.map((plugin) => `packages/plugins/${plugin}`)];
  const warnings: string[] = [];
  for (const dir of packages) {
    const built = await stat(join(ROOT, dir, 'dist', 'index.js')).catch(() => undefined);
    if (!built) throw new Error(`${dir}/dist is missing: run \`pnpm build\` first, or pass --runtime src`);
    const newest = await newestMtime(join(ROOT, dir, 'src'));
    if (newest > built.mtimeMs) warnings.push(`${dir}/dist is older than its sources: run \`pnpm build\` for figures of the current code`);
  }
  return warnings;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}
