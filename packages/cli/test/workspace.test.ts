import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cliPackage } from '../src/services/package-info.js';
import { detectWorkspace, openWorkspace } from '../src/services/workspace.js';
import { tempDir } from './helpers.js';

const root = resolve(import.meta.dirname, '../../..');
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());

function fakeCli(at: string): string {
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name: 'tokobapak', version: '9.9.9' }));
  return at;
}

describe('which checkout `tokobapak new` links to', () => {
  test('the CLI running from this repository is in a checkout, and every store package is found', () => {
    const workspace = detectWorkspace(cliPackage().dir);
    expect(workspace?.root).toBe(root);
    expect(workspace?.packages).toMatchObject({
      tokobapak: join(root, 'packages/cli'),
      '@tokobapak/server': join(root, 'packages/server'),
      '@tokobapak/sdk': join(root, 'packages/sdk'),
      '@tokobapak/plugin-auth': join(root, 'packages/plugins/auth'),
      '@tokobapak/plugin-user': join(root, 'packages/plugins/user'),
    });
  });

  test('an installed CLI is not a checkout, not even inside some other pnpm workspace', () => {
    expect(detectWorkspace(fakeCli(join(dir, 'lib', 'tokobapak')))).toBeUndefined();
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: [apps/*]\n');
    expect(detectWorkspace(fakeCli(join(dir, 'node_modules', 'tokobapak')))).toBeUndefined();
    // A workspace whose packages/ does not hold this CLI is someone else's.
    expect(detectWorkspace(fakeCli(join(dir, 'apps', 'tokobapak')))).toBeUndefined();
  });

  test('a copy of the checkout layout is a checkout', () => {
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: [packages/*]\n');
    const cli = fakeCli(join(dir, 'packages', 'cli'));
    cpSync(join(root, 'packages/sdk/package.json'), join(dir, 'packages/sdk/package.json'), { recursive: true });
    expect(detectWorkspace(cli)?.packages).toEqual({ tokobapak: cli, '@tokobapak/sdk': join(dir, 'packages/sdk') });
    expect(() => openWorkspace(join(dir, 'packages'))).toThrow('is not a TokoBapak checkout (no pnpm-workspace.yaml)');
  });
});
