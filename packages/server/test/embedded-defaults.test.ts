import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createServer, DEFAULT_LOG_LEVEL } from '../src/index.js';
import { echoPlugin } from './fixtures/echo-plugin.js';

// What someone embedding the server gets when they pass what the CLI's flags pass.
let dir: string;
let previous: string;
beforeEach(async () => {
  previous = process.cwd();
  dir = await mkdtemp(join(tmpdir(), 'tokobapak-embedded-'));
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(previous);
  await rm(dir, { recursive: true, force: true });
});

test("dataDir ':memory:' keeps everything in memory, as the CLI's --data :memory: does, and logs at warn", async () => {
  const server = await createServer({ plugins: [echoPlugin()], database: { dataDir: ':memory:' } });
  try {
    expect(server.database.kind).toBe('pglite');
    expect(server.app.log.level).toBe('warn');
    expect(DEFAULT_LOG_LEVEL).toBe('warn');
    const created = await server.app.inject({ method: 'POST', url: '/echo/items', payload: { name: 'kopi', quantity: 1 } });
    expect(created.statusCode).toBe(201);
  } finally {
    await server.close();
  }
  // No folder named ":memory:" and no mail folder beside it.
  expect(existsSync(join(dir, ':memory:'))).toBe(false);
  expect(await readdir(dir)).toEqual([]);
});
