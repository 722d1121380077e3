import { definePlugin, type Plugin } from '@tokobapak/server';
import { describe, expect, test } from 'vitest';
import { runCli } from '../src/index.js';
import { loadServerRuntime } from '../src/services/runtime.js';
import { captureStream, run, tempDir } from './helpers.js';

// The commands against the real @tokobapak/server (PGlite in a temp folder), with a small service
// of our own instead of the built-in ones, so this runs whatever state the plugins are in.

const greetingPlugin: Plugin = definePlugin<Record<string, never>, unknown>({
  name: 'greeting',
  summary: 'Says hello',
  spec: { openapi: '3.1.0', info: { title: 'greeting', version: '1.0.0' }, paths: {} },
  handlers: {},
  migrations: {
    '0001_greetings': {
      up: async (db) => {
        await db.schema
          .createTable('greetings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .execute();
      },
      down: async (db) => {
        await db.schema.dropTable('greetings').execute();
      },
    },
    '0002_greeting_text': {
      up: async (db) => {
        await db.schema.alterTable('greetings').addColumn('text', 'text').execute();
      },
      down: async (db) => {
        await db.schema.alterTable('greetings').dropColumn('text').execute();
      },
    },
  },
});

const context = (data: string) => ({
  env: { TOKOBAPAK_DATA: data, TOKOBAPAK_LOG_LEVEL: 'silent' },
  loadServices: async () => ({ greeting: () => greetingPlugin }),
  loadRuntime: loadServerRuntime,
});

describe('against the real server runtime', () => {
  test('migrate up, status, down; then start serves /docs and stops on a signal', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const up = await run(['migrate', 'up', '--json'], context(dir));
      expect(up.stderr).toBe('');
      const applied = JSON.parse(up.stdout).results.filter((r: { service: string }) => r.service === 'greeting');
      expect(applied.map((r: { migration: string; status: string }) => [r.migration, r.status])).toEqual([
        ['0001_greetings', 'Success'],
        ['0002_greeting_text', 'Success'],
      ]);

      const down = await run(['migrate', 'down', '--json'], context(dir));
      expect(JSON.parse(down.stdout).results).toEqual([{ service: 'greeting', migration: '0002_greeting_text', direction: 'down', status: 'Success' }]);

      const status = await run(['migrate', 'status'], context(dir));
      expect(status.stdout).toMatch(/^greeting +0001_greetings +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
      expect(status.stdout).toMatch(/^greeting +0002_greeting_text +pending$/m);

      let stop: (signal: string) => void = () => {};
      const stopped = new Promise<string>((resolve) => {
        stop = resolve;
      });
      const stdout = captureStream();
      const stderr = captureStream();
      const running = runCli(['start', '--port', '0', '--json'], { ...context(dir), cwd: dir, stdout, stderr, waitForShutdown: () => stopped });
      await expect.poll(() => stdout.text, { timeout: 30_000 }).toContain('\n');
      const ready = JSON.parse(stdout.text) as { url: string; docsUrl: string; services: string[] };
      expect(ready.services).toEqual(['greeting']);
      expect(ready.docsUrl).toBe(`${ready.url}/docs`);
      expect((await fetch(ready.docsUrl)).status).toBeLessThan(400);
      stop('SIGTERM');
      expect(await running).toBe(0);
      expect(stderr.text).toBe('');
      await expect(fetch(ready.url)).rejects.toThrow();

      // start applied the pending migration again.
      const after = (await run(['migrate', 'status'], context(dir))).stdout;
      expect(after).toMatch(/^greeting +0002_greeting_text +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
      expect(after).toMatch(/^\d+ executed, 0 pending$/m);
    } finally {
      await cleanup();
    }
  });
});
