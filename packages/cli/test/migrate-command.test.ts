import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ServerRuntime } from '../src/index.js';
import { run as runIn, tempDir } from './helpers.js';

// Every run works in a fresh folder: the CLI creates the PGlite data folder before migrating.
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());
const run: typeof runIn = (args, overrides = {}) => runIn(args, { cwd: dir, ...overrides });

type Report = Awaited<ReturnType<ServerRuntime['runMigrations']>>;

function fakeRuntime(report: Report = { results: [] }) {
  const calls: Array<{ fn: string; services: string[]; database: unknown; direction?: string }> = [];
  const runtime: ServerRuntime = {
    createServer: async () => {
      throw new Error('not used');
    },
    async runMigrations(config, direction) {
      calls.push({ fn: 'runMigrations', services: config.plugins.map((p) => p.name), database: config.database, direction });
      return report;
    },
    async migrationStatus(config) {
      calls.push({ fn: 'migrationStatus', services: config.plugins.map((p) => p.name), database: config.database });
      return [
        { service: 'auth', migration: '0001_init', executedAt: new Date('2026-11-24T03:04:05.678Z') },
        { service: 'auth', migration: '0002_api_keys', executedAt: null },
      ];
    },
  };
  return { runtime, calls };
}

describe('tokobapak migrate', () => {
  test('up is the default and runs against the data folder of the selected services', async () => {
    const { runtime, calls } = fakeRuntime({ results: [{ service: 'auth', migration: '0001_init', direction: 'up', status: 'Success' }] });
    const { code, stdout } = await run(['migrate', '--services', 'auth', '--data', 'db/data'], { loadRuntime: async () => runtime });
    expect(code).toBe(0);
    expect(calls).toEqual([{ fn: 'runMigrations', services: ['auth'], database: { dataDir: join(dir, 'db/data') }, direction: 'up' }]);
    expect(existsSync(join(dir, 'db/data'))).toBe(true);
    expect(stdout).toBe('SERVICE  MIGRATION  DIRECTION  STATUS\nauth     0001_init  up         Success\n');
  });

  test('down with DATABASE_URL reverts on PostgreSQL; --json prints the report', async () => {
    const report: Report = { results: [{ service: 'user', migration: '0003_x', direction: 'down', status: 'Success' }] };
    const { runtime, calls } = fakeRuntime(report);
    const { stdout } = await run(['migrate', 'down', '--json'], { loadRuntime: async () => runtime, env: { DATABASE_URL: 'postgres://db/shop' } });
    expect(calls[0]).toMatchObject({ services: ['auth', 'user'], database: { url: 'postgres://db/shop' }, direction: 'down' });
    expect(JSON.parse(stdout)).toEqual({ direction: 'down', ...report });
  });

  test('status prints a table, or JSON with ISO timestamps', async () => {
    const { runtime } = fakeRuntime();
    const plain = await run(['migrate', 'status'], { loadRuntime: async () => runtime });
    expect(plain.stdout).toBe(
      [
        'SERVICE  MIGRATION      EXECUTED AT',
        'auth     0001_init      2026-11-24 03:04:05 UTC',
        'auth     0002_api_keys  pending',
        '',
        '1 executed, 1 pending',
        '',
      ].join('\n'),
    );
    const json = await run(['migrate', 'status', '--json'], { loadRuntime: async () => runtime });
    expect(JSON.parse(json.stdout)).toEqual({
      migrations: [
        { service: 'auth', migration: '0001_init', executedAt: '2026-11-24T03:04:05.678Z' },
        { service: 'auth', migration: '0002_api_keys', executedAt: null },
      ],
    });
  });

  test('a failed migration prints the report once and exits 1', async () => {
    const { runtime } = fakeRuntime({
      results: [{ service: 'auth', migration: '0002_api_keys', direction: 'up', status: 'Error' }],
      error: 'relation "api_keys" already exists',
    });
    const { code, stdout, stderr } = await run(['migrate', 'up'], { loadRuntime: async () => runtime });
    expect(code).toBe(1);
    expect(stdout).toContain('auth     0002_api_keys  up         Error\n\nMigration failed: relation "api_keys" already exists\n');
    expect(stderr).toBe('');
  });

  test('an unknown action is a usage error', async () => {
    const { code, stderr } = await run(['migrate', 'sideways']);
    expect(code).toBe(1);
    expect(stderr).toContain("'sideways' is invalid for argument 'action'. expected one of up, down, status");
  });
});
