import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { inputsHash } from './inputs.js';
import { listPackages, type WorkspacePackage } from './packages.js';

/** Options of {@link buildWorkspace}. */
export interface BuildOptions {
  root: string;
  /** Emit declarations too (false: JavaScript only, for running). */
  declarations: boolean;
  /** Rebuild even what is up to date. */
  force?: boolean;
  log?: (line: string) => void;
}

/** Package names by outcome. */
export interface BuildResult {
  built: string[];
  upToDate: string[];
  failed: string[];
}

/** What the last successful build of a package was made from. */
interface Stamp {
  hash: string;
  declarations: boolean;
}

/**
 * Builds the workspace's packages whose inputs changed since their last build. Packages build
 * independently: tsup keeps workspace dependencies external and resolves their types from source
 * (the `development` condition), so no package waits for another's output.
 */
export async function buildWorkspace(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const stampDir = join(options.root, 'node_modules', '.cache', 'tokobapak-build');
  await mkdir(stampDir, { recursive: true });
  const result: BuildResult = { built: [], upToDate: [], failed: [] };

  const stale: Array<{ pkg: WorkspacePackage; hash: string }> = [];
  for (const pkg of await listPackages(options.root)) {
    const hash = await inputsHash(options.root, pkg.dir);
    if (!options.force && (await isUpToDate(pkg, hash, stampFile(stampDir, pkg), options.declarations))) result.upToDate.push(pkg.name);
    else stale.push({ pkg, hash });
  }

  // A declaration pass needs ~700 MB and a core; JavaScript alone is a fraction of a second.
  const slots = options.declarations ? Math.min(2, availableParallelism()) : availableParallelism();
  await runPool(stale, slots, async ({ pkg, hash }) => {
    log(`build: ${pkg.name}${options.declarations ? '' : ' (JavaScript only)'}`);
    const output = await tsup(options.root, pkg.dir, options.declarations);
    if (output.code !== 0) {
      log(output.text);
      result.failed.push(pkg.name);
      return;
    }
    const stamp: Stamp = { hash, declarations: options.declarations };
    await writeFile(stampFile(stampDir, pkg), `${JSON.stringify(stamp)}\n`);
    result.built.push(pkg.name);
  });
  return result;
}

function stampFile(stampDir: string, pkg: WorkspacePackage): string {
  return join(stampDir, `${pkg.name.replace(/[@/]/g, '_')}.json`);
}

async function isUpToDate(pkg: WorkspacePackage, hash: string, file: string, declarations: boolean): Promise<boolean> {
  if (!existsSync(file)) return false;
  const stamp = JSON.parse(await readFile(file, 'utf8')) as Stamp;
  if (stamp.hash !== hash || (declarations && !stamp.declarations)) return false;
  // A deleted dist/ must not pass for a built one.
  const outputs = declarations ? [...pkg.outputs.js, ...pkg.outputs.types] : pkg.outputs.js;
  return outputs.every((path) => existsSync(join(pkg.dir, path)));
}

function tsup(root: string, dir: string, declarations: boolean): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsup'), [], {
      cwd: dir,
      // The packages' tsup configs read this to leave out the declaration pass.
      env: { ...process.env, TOKOBAPAK_BUILD_DTS: declarations ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

async function runPool<T>(items: T[], slots: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(slots, items.length)) }, worker));
}
