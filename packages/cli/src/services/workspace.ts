import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { CliError } from './errors.js';

/** A TokoBapak source checkout: a pnpm workspace holding the published packages. */
export interface Workspace {
  root: string;
  /** Package name → absolute folder, for every package under `packages/`. */
  packages: Record<string, string>;
}

/**
 * The checkout the CLI runs from, if any: the nearest folder above `cliDir` with a
 * `pnpm-workspace.yaml` that holds the `tokobapak` package itself. A CLI installed under
 * `node_modules` (even inside someone else's pnpm workspace) is a published copy, not a checkout.
 */
export function detectWorkspace(cliDir: string): Workspace | undefined {
  const real = realpathSync(cliDir);
  if (real.split(sep).includes('node_modules')) return undefined;
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) {
      const workspace = readWorkspace(dir);
      return workspace.packages.tokobapak && realpathSync(workspace.packages.tokobapak) === real ? workspace : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads the checkout at `root` (as given to `--link`), failing clearly when it is not one. */
export function openWorkspace(root: string): Workspace {
  const absolute = resolve(root);
  if (!existsSync(join(absolute, 'pnpm-workspace.yaml'))) {
    throw new CliError('CLI_WORKSPACE_NOT_FOUND', `${absolute} is not a TokoBapak checkout (no pnpm-workspace.yaml)`);
  }
  return readWorkspace(absolute);
}

/** Finds the package that `name` is in the workspace, or fails naming it. */
export function workspacePackage(workspace: Workspace, name: string): string {
  const dir = workspace.packages[name];
  if (!dir) throw new CliError('CLI_WORKSPACE_NOT_FOUND', `${workspace.root} has no package named ${name}`);
  return dir;
}

// The layout is fixed by docs/architecture.md: packages/<name> and packages/plugins/<service>.
function readWorkspace(root: string): Workspace {
  const packages: Record<string, string> = {};
  const visit = (dir: string, depth: number): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const folder = join(dir, entry.name);
      const manifest = join(folder, 'package.json');
      if (existsSync(manifest)) {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
        if (name) packages[name] = folder;
      } else if (depth > 0) {
        visit(folder, depth - 1);
      }
    }
  };
  visit(join(root, 'packages'), 1);
  return { root, packages };
}
