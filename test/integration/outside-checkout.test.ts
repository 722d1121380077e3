import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STORE_SERVICES } from '../../packages/cli/src/services/store-services.js';
import { openWorkspace } from '../../packages/cli/src/services/workspace.js';
import { packWorkspacePackages } from '../../packages/cli/src/services/workspace-pack.js';
import { CLI_BIN, run, type StartedStore, startStore } from './support/cli-process.js';

// What a developer outside this repository meets: the packages as npm would serve them, installed
// with plain npm into a folder that is not under the checkout. Each npm install is one to two
// minutes on a cold cache, so this file runs once per CI run: with DATABASE_URL set it would only
// repeat itself (both stores run on PGlite, which is what a new user starts with).

const root = resolve(import.meta.dirname, '../..');
const PACKAGES = ['tokobapak', '@tokobapak/server', '@tokobapak/sdk', ...STORE_SERVICES.map((service) => `@tokobapak/plugin-${service}`)];
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

let folder: string;
let tarballs: string;
const started: StartedStore[] = [];

describe.skipIf(Boolean(process.env.DATABASE_URL))('outside the checkout (PGlite; skipped with DATABASE_URL)', () => {
  // Inside the describe, so the PostgreSQL pass, which skips it, does not build and pack for nothing.
  beforeAll(async () => {
    // The incremental build: a no-op when `pnpm test` has just built; the tarballs hold dist/.
    await run('pnpm', ['build'], { cwd: root });
    folder = await realpath(await mkdtemp(join(tmpdir(), 'tokobapak-outside-')));
    tarballs = join(folder, 'tarballs');
    await packWorkspacePackages(openWorkspace(root), PACKAGES, tarballs);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(started.map((store) => store.stop()));
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('every package packs, installs with plain npm, embeds a store, and the packed SDK takes a merchant to a product on sale', async () => {
    const app = join(folder, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const files = (await readdir(tarballs)).map((file) => join(tarballs, file));
    expect(files).toHaveLength(PACKAGES.length);

    const output = await run('npm', ['install', ...NPM_FLAGS, ...files], { cwd: app });
    // No dependency may want a newer Node than the one the packages declare (>= 20.19).
    expect(output).not.toContain('EBADENGINE');
    await expectNothingResolvesInto(app, root);
    for (const name of PACKAGES) {
      const manifest = JSON.parse(await readFile(join(app, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, unknown>;
      // Published manifests carry versions, not `workspace:` ranges, and no source-only export.
      expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain('workspace:');
      expect(JSON.stringify(manifest.exports)).not.toContain('development');
    }

    await copyFile(fixture('embedded-store.mjs'), join(app, 'embedded-store.mjs'));
    await copyFile(fixture('merchant-path.mjs'), join(app, 'merchant-path.mjs'));
    const store = await startStore([], { cwd: app, bin: join(app, 'embedded-store.mjs'), env: { DATABASE_URL: '' }, timeoutMs: 120_000 });
    started.push(store);

    const path = JSON.parse(await run('node', ['merchant-path.mjs'], { cwd: app, env: { TOKOBAPAK_URL: store.url } })) as {
      storeId: string;
      imageId: string;
      draftStatus: string;
      catalogue: Array<Record<string, unknown>>;
    };
    expect(path.draftStatus).toBe('draft');
    expect(path.catalogue).toEqual([
      expect.objectContaining({
        storeId: path.storeId,
        handle: 'kopi-gayo',
        status: 'active',
        imageIds: [path.imageId],
        fromPrice: { amount: 85000, currency: 'IDR' },
      }),
    ]);
    await store.stop();
  }, 300_000);

  test('tokobapak new makes a project from packed tarballs that installs with npm, links nothing into the checkout, and starts', async () => {
    const project = join(folder, 'my-shop');
    await run(process.execPath, [CLI_BIN, 'new', project, '--name', 'Toko Pak Budi', '--json']);
    expect((await readdir(project)).sort()).toEqual(['.env.example', '.gitignore', 'README.md', 'package.json', 'seed.mjs', 'tokobapak.config.mjs', 'vendor']);
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const specifier of Object.values(manifest.dependencies)) expect(specifier).toMatch(/^file:vendor\/[a-z0-9-]+-\d+\.\d+\.\d+\.tgz$/);

    const output = await run('npm', ['install', ...NPM_FLAGS], { cwd: project });
    expect(output).not.toContain('EBADENGINE');
    await expectNothingResolvesInto(project, root);

    const store = await startStore(['start', '--port', '0', '--json'], {
      cwd: project,
      bin: join(project, 'node_modules', 'tokobapak', 'dist', 'bin.js'),
      env: { DATABASE_URL: '' },
      timeoutMs: 120_000,
    });
    started.push(store);
    const seeded = await run('node', ['seed.mjs'], { cwd: project, env: { TOKOBAPAK_URL: store.url } });
    expect(seeded).toMatch(/customer@example\.com/);
    await store.stop();
  }, 300_000);

  test('pnpm release:check (what `pnpm release` publishes, as a dry run) passes for every package', async () => {
    const output = await run('pnpm', ['release:check'], { cwd: root });
    for (const name of PACKAGES) expect(output).toContain(`Skip publishing ${name}@`);
  }, 120_000);
});

/** Fails when any symbolic link under `dir` points into `forbidden` (npm links `file:` folders). */
async function expectNothingResolvesInto(dir: string, forbidden: string): Promise<void> {
  const offenders: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) {
      const target = resolve(dirname(path), await readlink(path));
      if (target === forbidden || target.startsWith(`${forbidden}/`)) offenders.push(`${path} → ${target}`);
      return;
    }
    if (stat.isDirectory()) for (const entry of await readdir(path)) await visit(join(path, entry));
  };
  await visit(dir);
  expect(offenders).toEqual([]);
  expect(dir.startsWith(`${forbidden}/`)).toBe(false);
}
