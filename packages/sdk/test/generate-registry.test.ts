import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type GenerateOptions, generate, isClean } from '../../../scripts/generate/run.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');

// The lists of built-in services come from the plugin packages: a copy of the repository's specs,
// with plugin folders of its own, shows what a new service gets without a hand edit.
describe('lists of built-in services', () => {
  let dir: string;
  let options: GenerateOptions;
  const read = (...path: string[]) => readFileSync(join(dir, ...path), 'utf8');
  const plugin = (service: string, extra: Record<string, unknown> = {}) => {
    mkdirSync(join(dir, 'plugins', service), { recursive: true });
    writeFileSync(join(dir, 'plugins', service, 'package.json'), `${JSON.stringify({ name: `@tokobapak/plugin-${service}`, ...extra }, null, 2)}\n`);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokobapak-registry-'));
    cpSync(join(repositoryRoot, 'openapi'), join(dir, 'openapi'), { recursive: true });
    plugin('user');
    plugin('image-proxy', { tokobapak: { folderOptions: { blobDir: 'blobs' } } });
    plugin('promoted-item', { tokobapak: { newStore: false } });
    writeFileSync(
      join(dir, 'root.json'),
      `${JSON.stringify({ name: 'root', devDependencies: { '@tokobapak/plugin-gone': 'workspace:^', vitest: '^4' } }, null, 2)}\n`,
    );
    writeFileSync(join(dir, 'cli.json'), `${JSON.stringify({ name: 'tokobapak', dependencies: { '@tokobapak/plugin-user': 'workspace:^' } }, null, 2)}\n`);
    options = {
      root: dir,
      openapiDir: join(dir, 'openapi'),
      sdkGeneratedDir: join(dir, 'generated'),
      pluginsDir: join(dir, 'plugins'),
      registry: {
        cliServicesDir: join(dir, 'cli'),
        testCatalogue: join(dir, 'catalogues.ts'),
        manifests: [
          { path: join(dir, 'root.json'), section: 'devDependencies' },
          { path: join(dir, 'cli.json'), section: 'dependencies' },
        ],
      },
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('registry, new-store services, error catalogue and dependencies, sorted and from package data', async () => {
    await generate(options);
    const registry = read('cli', 'plugin-registry.ts');
    expect(registry).toContain("import { type ImageProxyPluginOptions, imageProxyPlugin } from '@tokobapak/plugin-image-proxy';");
    expect(registry).toContain(
      "  'image-proxy': (options, context) => imageProxyPlugin({ blobDir: context.filesDir('blobs'), ...(options as ImageProxyPluginOptions) }),\n" +
        "  'promoted-item': (options) => promotedItemPlugin(options as PromotedItemPluginOptions),\n" +
        '  user: (options) => userPlugin(options as UserPluginOptions),\n};',
    );
    expect(read('cli', 'store-services.ts')).toContain("export const STORE_SERVICES: string[] = [\n  'image-proxy',\n  'user',\n];");
    expect(read('catalogues.ts')).toContain(
      "  platform: platformErrors.specs,\n  'image-proxy': imageProxyErrors.specs,\n  'promoted-item': promotedItemErrors.specs,\n  user: userErrors.specs,\n};",
    );
    expect(JSON.parse(read('root.json')).devDependencies).toEqual({
      '@tokobapak/plugin-image-proxy': 'workspace:^',
      '@tokobapak/plugin-promoted-item': 'workspace:^',
      '@tokobapak/plugin-user': 'workspace:^',
      vitest: '^4',
    });
    expect(Object.keys(JSON.parse(read('cli.json')).dependencies)).toEqual([
      '@tokobapak/plugin-image-proxy',
      '@tokobapak/plugin-promoted-item',
      '@tokobapak/plugin-user',
    ]);
    expect(isClean((await generate({ ...options, check: true })).drift)).toBe(true);
  });

  test('a new plugin package is picked up by the next run; the check names every stale list', async () => {
    await generate(options);
    plugin('inventory');
    const { drift } = await generate({ ...options, check: true });
    expect(drift.changed.map((path) => path.slice(dir.length + 1)).sort()).toEqual([
      'catalogues.ts',
      'cli.json',
      join('cli', 'plugin-registry.ts'),
      join('cli', 'store-services.ts'),
      'root.json',
    ]);
  });

  test('a misnamed package or an unknown setting fails, naming the file', async () => {
    plugin('user', { name: '@acme/user' });
    await expect(generate(options)).rejects.toThrow('packages/plugins/user/package.json: the package of the user service must be named @tokobapak/plugin-user');
    plugin('user', { tokobapak: { folders: {} } });
    await expect(generate(options)).rejects.toThrow('packages/plugins/user/package.json: tokobapak.folders is not a known setting');
  });
});
