import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI's own package: where it is installed and its version. */
export interface CliPackage {
  /** Absolute folder holding the CLI's package.json. */
  dir: string;
  version: string;
}

let cached: CliPackage | undefined;

/**
 * Finds the CLI's package.json by walking up from this module, which works from `src/` (tests,
 * development), from the bundled `dist/`, and from an npm or pnpm install.
 */
export function cliPackage(): CliPackage {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tokobapak' && pkg.version) {
        cached = { dir, version: pkg.version };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tokobapak: cannot find the package.json of the CLI itself');
    dir = parent;
  }
}
