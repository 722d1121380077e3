import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { cliPackage } from '../src/services/package-info.js';

// The built CLI as a user runs it. Nothing is built here: run `pnpm build` first, or these skip.
const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'packages/cli/dist/bin.js');
const builtCli = existsSync(bin);
const servicePackages = ['packages/server', 'packages/sdk', 'packages/plugins/auth', 'packages/plugins/user'];
const unbuiltServices = servicePackages.filter((dir) => !existsSync(join(root, dir, 'dist/index.js')));

const exec = promisify(execFile);

/** Runs the built CLI in a folder without a config file, with no TOKOBAPAK_* variables set. */
async function cli(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOKOBAPAK_') && name !== 'DATABASE_URL'));
  return exec(process.execPath, [bin, ...args], { cwd: tmpdir(), env, timeout: 30_000 });
}

describe.skipIf(!builtCli)(`built CLI as a process${builtCli ? '' : ' (skipped: packages/cli/dist/bin.js does not exist; run pnpm build)'}`, () => {
  test('--help lists the commands', async () => {
    const { stdout, stderr } = await cli('--help');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: tokobapak \[options\] \[command\]/);
    for (const command of ['new', 'migrate', 'start', 'services']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  test('--version prints the package version', async () => {
    expect((await cli('--version')).stdout.trim()).toBe(cliPackage().version);
  });

  const servicesTitle = unbuiltServices.length
    ? `services --json (skipped: not built: ${unbuiltServices.join(', ')}; run pnpm build)`
    : 'services --json lists the built-in services, all loaded by default';
  test.skipIf(unbuiltServices.length > 0)(servicesTitle, async () => {
    const { stdout } = await cli('services', '--json');
    const document = JSON.parse(stdout) as { services: Array<{ name: string; summary: string; operations: number; loaded: boolean }> };
    expect(document.services.map((s) => s.name)).toEqual(expect.arrayContaining(['auth', 'user']));
    for (const service of document.services) {
      expect(service.summary).not.toBe('');
      expect(service.operations).toBeGreaterThan(0);
      expect(service.loaded).toBe(true);
    }
  });

  const missingTitle = unbuiltServices.length
    ? `start refuses a missing dependency (skipped: not built: ${unbuiltServices.join(', ')}; run pnpm build)`
    : 'start --services user without auth or TOKOBAPAK_AUTH_URL refuses to start, naming both and the variable';
  test.skipIf(unbuiltServices.length > 0)(missingTitle, async () => {
    const failure = await cli('start', '--services', 'user', '--port', '0', '--data', ':memory:', '--json').then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const document = JSON.parse(failure?.stdout.trim().split('\n').pop() ?? '{}') as { error?: { code: string; message: string } };
    expect(document.error?.code).toBe('CLI_SERVICE_MISSING');
    expect(document.error?.message).toMatch(
      /^Cannot start: user calls auth \(.*\), which is neither loaded in this process nor configured: load auth too, or set TOKOBAPAK_AUTH_URL/,
    );
    expect(failure?.stderr).toContain('error: Cannot start: user calls auth');
    expect(failure?.stderr).not.toMatch(/at .*\.js:\d+/); // a message the user can act on, not a stack
  });
});
