import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { countOperations } from '../src/services/service-catalogue.js';
import { fakePlugin, fakeRegistry, run, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());

describe('tokobapak services', () => {
  test('--json lists every built-in service with its summary and operation count; all are loaded by default', async () => {
    const { code, stdout, stderr } = await run(['services', '--json'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      configPath: null,
      loadedBy: 'defaults',
      services: [
        { name: 'auth', summary: 'The auth service', operations: 1, loaded: true, remote: null },
        { name: 'user', summary: 'The user service', operations: 2, loaded: true, remote: null },
      ],
    });
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  test('"loaded" follows the config file, TOKOBAPAK_SERVICES and remote URLs; options reach the factories', async () => {
    await writeFile(join(dir, 'tokobapak.config.mjs'), `export default { services: ['user'], auth: { oidcProviders: [] } };`);
    const built: Record<string, unknown> = {};
    const loadServices = async () => fakeRegistry(['auth', 'user'], built);

    const fromFile = JSON.parse((await run(['services', '--json'], { cwd: dir, loadServices })).stdout);
    expect(fromFile.configPath).toBe(join(dir, 'tokobapak.config.mjs'));
    expect(fromFile.services.map((s: { name: string; loaded: boolean }) => [s.name, s.loaded])).toEqual([
      ['auth', false],
      ['user', true],
    ]);
    expect(built).toEqual({ auth: { oidcProviders: [] }, user: undefined });

    const fromEnv = JSON.parse(
      (
        await run(['services'], {
          cwd: dir,
          loadServices,
          env: { TOKOBAPAK_JSON: '1', TOKOBAPAK_SERVICES: 'auth', TOKOBAPAK_USER_URL: 'http://10.0.0.2:4000' },
        })
      ).stdout,
    );
    expect(fromEnv.services.map((s: { loaded: boolean; remote: string | null }) => [s.loaded, s.remote])).toEqual([
      [true, null],
      [false, 'http://10.0.0.2:4000'],
    ]);
    // The variable chose the services, not the config file that happens to be there.
    expect(fromEnv.loadedBy).toBe('TOKOBAPAK_SERVICES');
    const plain = await run(['services'], { cwd: dir, loadServices, env: { TOKOBAPAK_SERVICES: 'auth' } });
    expect(plain.stdout).toContain('Loaded by TOKOBAPAK_SERVICES: auth\n');
    expect(fromFile.loadedBy).toBe(join(dir, 'tokobapak.config.mjs'));
  });

  test('.env in the working folder is read, and a variable already set wins over it', async () => {
    await writeFile(join(dir, '.env'), '# the store\nTOKOBAPAK_SERVICES=user\nTOKOBAPAK_JSON=true\n');
    const fromDotEnv = JSON.parse((await run(['services'], { cwd: dir, env: {} })).stdout);
    expect(fromDotEnv.loadedBy).toBe('TOKOBAPAK_SERVICES');
    expect(fromDotEnv.services.map((s: { loaded: boolean }) => s.loaded)).toEqual([false, true]);
    const shellWins = JSON.parse((await run(['services'], { cwd: dir, env: { TOKOBAPAK_SERVICES: 'auth' } })).stdout);
    expect(shellWins.services.map((s: { loaded: boolean }) => s.loaded)).toEqual([true, false]);
  });

  test('plain lines when stdout is not a terminal', async () => {
    const { stdout } = await run(['services'], { cwd: dir });
    expect(stdout).toBe(
      [
        'SERVICE  OPS  LOADED  SUMMARY',
        'auth       1  yes     The auth service',
        'user       2  yes     The user service',
        '',
        'Loaded by the defaults: auth, user',
        '',
      ].join('\n'),
    );
  });

  test('an unknown service in the config is an error with exit code 1', async () => {
    await writeFile(join(dir, 'tokobapak.config.mjs'), `export default { services: ['user', 'warehouse'] };`);
    const { code, stderr } = await run(['services'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toBe('error: Unknown service warehouse (from the config file); built-in services: auth, user\n');
  });

  test('counts operations, not path-level keys', () => {
    expect(countOperations(fakePlugin('x', { operations: 7 }).spec)).toBe(7);
    expect(countOperations({ paths: { '/x/a': { parameters: [], summary: 'a', get: {}, post: {} }, '/x/b': { delete: {} } } })).toBe(3);
  });
});
