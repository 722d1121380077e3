import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { scaffoldStore } from '../src/index.js';
import { flagVariables, otherVariables } from '../src/services/environment.js';
import { cliPackage } from '../src/services/package-info.js';
import { STORE_SERVICES } from '../src/services/store-services.js';
import { run, tempDir } from './helpers.js';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const { version } = cliPackage();
const STORE_FILES = ['.env.example', '.gitignore', 'README.md', 'package.json', 'seed.mjs', 'tokobapak.config.mjs'];
// Every built-in service (generated from the plugin packages).
const SERVICES = STORE_SERVICES;
const STORE_DEPENDENCIES = [...SERVICES.map((service) => `@tokobapak/plugin-${service}`), '@tokobapak/sdk', '@tokobapak/server', 'tokobapak'].sort();

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('tokobapak new', () => {
  test('run from this (built) checkout, it packs the packages into vendor/ and depends on those tarballs', async () => {
    const { code, stdout, stderr } = await run(['new', 'my-shop', '--name', 'Toko Pak Budi', '--json'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const target = join(dir, 'my-shop');
    expect((await readdir(target)).sort()).toEqual([...STORE_FILES, 'vendor'].sort());

    const result = JSON.parse(stdout) as { dir: string; storeName: string; linkedWorkspace: string; dependencies: Record<string, string> };
    expect(result).toMatchObject({ dir: target, storeName: 'Toko Pak Budi', linkedWorkspace: workspaceRoot });

    const manifest = readJson(join(target, 'package.json'));
    expect(manifest).toMatchObject({
      name: 'my-shop',
      private: true,
      type: 'module',
      scripts: { start: 'tokobapak start', migrate: 'tokobapak migrate', seed: 'node seed.mjs' },
    });
    const tarball = (name: string) => `file:vendor/${name.replace('@', '').replace('/', '-')}-${version}.tgz`;
    expect(manifest.dependencies).toEqual(Object.fromEntries(STORE_DEPENDENCIES.map((name) => [name, tarball(name)])));
    // Relative to the project, so the project can move; each one is a real file in it.
    for (const specifier of Object.values(manifest.dependencies as Record<string, string>)) {
      expect(existsSync(join(target, specifier.slice('file:'.length)))).toBe(true);
    }
    expect(result.dependencies).toEqual(manifest.dependencies);
  });

  test('with --no-link it depends on the published ^version', async () => {
    const { code } = await run(['new', 'shop', '--no-link'], { cwd: dir });
    expect(code).toBe(0);
    const manifest = readJson(join(dir, 'shop', 'package.json'));
    expect(Object.keys(manifest.dependencies as object).sort()).toEqual(STORE_DEPENDENCIES);
    for (const specifier of Object.values(manifest.dependencies as Record<string, string>)) expect(specifier).toBe(`^${version}`);
  });

  test('TOKOBAPAK_LINK=false is --no-link, and the flag wins over the variable', async () => {
    await run(['new', 'a'], { cwd: dir, env: { TOKOBAPAK_LINK: 'false' } });
    expect(readJson(join(dir, 'a', 'package.json')).dependencies).toMatchObject({ tokobapak: `^${version}` });
    await run(['new', 'b', '--link', workspaceRoot], { cwd: dir, env: { TOKOBAPAK_LINK: 'false' } });
    expect(readJson(join(dir, 'b', 'package.json')).dependencies).toMatchObject({ tokobapak: `file:vendor/tokobapak-${version}.tgz` });
  });

  test('--link to a folder that is not a checkout fails clearly', async () => {
    const { code, stderr } = await run(['new', 'shop', '--link', dir], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain('is not a TokoBapak checkout');
    expect(existsSync(join(dir, 'shop'))).toBe(false);
  });

  test('refuses a folder that is not empty, and writes nothing into it', async () => {
    const target = join(dir, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'mine');
    const { code, stdout, stderr } = await run(['new', 'occupied'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${target} is not empty (1 entry); choose a new or empty folder\n`);
    expect(await readdir(target)).toEqual(['notes.txt']);

    const asJson = await run(['new', 'occupied', '--json'], { cwd: dir });
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual({ error: { code: 'CLI_TARGET_NOT_EMPTY', message: expect.stringContaining('is not empty') } });
  });

  test('accepts an existing empty folder and names the store after it', async () => {
    await mkdir(join(dir, 'warung-kopi'));
    const result = await scaffoldStore({ dir: 'warung-kopi', cwd: dir, link: false });
    expect(result.storeName).toBe('Warung Kopi');
    expect(await readFile(join(dir, 'warung-kopi', 'README.md'), 'utf8')).toMatch(/^# Warung Kopi\n/);
  });

  test('prints plain lines with the next steps when stdout is not a terminal', async () => {
    const { stdout } = await run(['new', 'shop', '--no-link'], { cwd: dir });
    expect(stdout).toContain(`Created Shop in ${join(dir, 'shop')}\n`);
    expect(stdout).toContain('Dependencies use the published packages\n');
    expect(stdout).toContain('  cd shop\n  npm install\n  npm start\n');
    expect(stdout).not.toContain('\u001b[');
  });

  test('the generated config, scripts and env file are valid and complete', async () => {
    const { dir: target } = await scaffoldStore({ dir: 'shop', cwd: dir, link: false });
    for (const script of ['seed.mjs', 'tokobapak.config.mjs']) {
      execFileSync(process.execPath, ['--check', join(target, script)]);
    }
    const config = (await import(pathToFileURL(join(target, 'tokobapak.config.mjs')).href)) as { default: unknown };
    expect(config.default).toEqual({
      services: SERVICES,
      port: 4000,
      dataDir: '.tokobapak/data',
      auth: { oidcProviders: [] },
    });

    const env = await readFile(join(target, '.env.example'), 'utf8');
    const documented = [...Object.values(flagVariables), ...otherVariables].map((v) => v.name).filter((name) => !name.includes('<'));
    for (const name of [...documented, 'TOKOBAPAK_AUTH_URL', 'TOKOBAPAK_USER_URL', 'TOKOBAPAK_OIDC_GOOGLE_CLIENT_ID']) {
      expect(env).toMatch(new RegExp(`^# ${name}=`, 'm'));
    }
    // Every setting is commented out: copying the file changes nothing until a line is enabled.
    expect(env.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'))).toEqual([]);

    expect(await readFile(join(target, '.gitignore'), 'utf8')).toContain('.tokobapak/');
    const seed = await readFile(join(target, 'seed.mjs'), 'utf8');
    expect(seed).toContain("import { createClient } from '@tokobapak/sdk'");
    expect(seed).toContain('client.user.register(');
  });
});
