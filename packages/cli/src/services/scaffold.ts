import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CliError } from './errors.js';
import { cliPackage } from './package-info.js';
import { STORE_SERVICES, servicePackage, storeFiles } from './store-templates.js';
import { detectWorkspace, openWorkspace, type Workspace } from './workspace.js';
import { packWorkspacePackages } from './workspace-pack.js';

/** Where a store made from a checkout keeps the packed packages it installs. */
export const VENDOR_DIR = 'vendor';

/** Options of {@link scaffoldStore}. */
export interface ScaffoldOptions {
  /** Target folder; created when missing, refused when it has anything in it. */
  dir: string;
  /** Store name (default: the folder name). */
  name?: string;
  /**
   * A checkout path: pack its packages into the project's `vendor/` and depend on those tarballs.
   * `false`: the published `^version`. Undefined: pack when the CLI itself runs from a checkout.
   */
  link?: string | false;
  /** Base for a relative `dir` and `link` (default: `process.cwd()`). */
  cwd?: string;
}

/** What {@link scaffoldStore} wrote. */
export interface ScaffoldResult {
  dir: string;
  storeName: string;
  /** Relative paths of the written files. */
  files: string[];
  /** Dependency name → specifier written to package.json. */
  dependencies: Record<string, string>;
  /** The checkout whose packed packages are in `vendor/`, when packed from one. */
  linkedWorkspace?: string;
  services: string[];
}

/**
 * Writes a new store project: package.json, tokobapak.config.mjs, .env.example, README.md,
 * seed.mjs and .gitignore, and (made from a checkout) the packed packages in `vendor/`.
 *
 * @example
 * import { scaffoldStore } from 'tokobapak';
 * const result = await scaffoldStore({ dir: 'my-shop', name: 'My Shop', link: false });
 * console.log(result.files); // ['package.json', 'tokobapak.config.mjs', ...]
 */
export async function scaffoldStore(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir);
  await ensureEmptyDir(dir);

  const storeName = options.name?.trim() || titleFromFolder(basename(dir));
  const services = STORE_SERVICES;
  const packages = ['tokobapak', '@tokobapak/server', '@tokobapak/sdk', ...services.map(servicePackage)];
  const workspace = chooseWorkspace(options.link, cwd);
  const { version } = cliPackage();
  const written: string[] = [];
  let dependencies = Object.fromEntries(packages.map((name) => [name, `^${version}`]));
  if (workspace) {
    // Tarballs, not links: the project installs and runs like one made from the registry, and
    // nothing in it points back into the checkout (which may move, or be rebuilt mid-run).
    const tarballs = await packWorkspacePackages(workspace, packages, join(dir, VENDOR_DIR)).catch(async (error: unknown) => {
      await rm(join(dir, VENDOR_DIR), { recursive: true, force: true });
      throw error;
    });
    dependencies = Object.fromEntries(packages.map((name) => [name, `file:${VENDOR_DIR}/${tarballs[name]}`]));
    written.push(...packages.map((name) => `${VENDOR_DIR}/${tarballs[name]}`));
  }

  const files = storeFiles({ storeName, packageName: packageNameFrom(basename(dir)), services, dependencies });
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await writeFile(join(dir, path), content, { flag: 'wx' });
  }
  const result: ScaffoldResult = { dir, storeName, files: [...Object.keys(files), ...written], dependencies, services };
  if (workspace) result.linkedWorkspace = workspace.root;
  return result;
}

function chooseWorkspace(link: string | false | undefined, cwd: string): Workspace | undefined {
  if (link === false) return undefined;
  if (typeof link === 'string') return openWorkspace(resolve(cwd, link));
  return detectWorkspace(cliPackage().dir);
}

async function ensureEmptyDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new CliError('CLI_TARGET_NOT_EMPTY', `${dir} exists and is not a folder`);
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new CliError(
      'CLI_TARGET_NOT_EMPTY',
      `${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); choose a new or empty folder`,
    );
  }
}

/** `my-shop` → `My Shop`. */
function titleFromFolder(folder: string): string {
  const words = folder.split(/[-_.\s]+/).filter(Boolean);
  return words.length ? words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ') : 'My Store';
}

/** A valid npm name from the folder: lower case, URL-safe. */
function packageNameFrom(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  return name || 'tokobapak-store';
}
