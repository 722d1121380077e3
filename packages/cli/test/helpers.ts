import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { CliContext, ServiceRegistry } from '../src/index.js';
import { runCli } from '../src/index.js';

/** A writable that keeps what was written. */
export interface CapturedStream {
  text: string;
  isTTY: boolean;
  columns: number;
  write(chunk: string): boolean;
}

/** A stream for `stdout`/`stderr` that records everything (a pipe unless `isTTY`). */
export function captureStream(isTTY = false): CapturedStream {
  return {
    text: '',
    isTTY,
    columns: 120,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/** A throw-away folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'tokobapak-cli-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A plugin of the real `definePlugin` shape with `operations` operations spread over a few paths
 * (plus a path-level `parameters` key, which is not an operation).
 */
export function fakePlugin(name: string, options: { summary?: string; operations?: number; migrations?: string[] } = {}): Plugin {
  const paths: Record<string, Record<string, unknown>> = {};
  const methods = ['get', 'post', 'put', 'patch', 'delete'];
  for (let i = 0; i < (options.operations ?? 2); i += 1) {
    const path = `/${name}/thing-${Math.floor(i / methods.length)}`;
    paths[path] ??= { parameters: [] };
    (paths[path] as Record<string, unknown>)[methods[i % methods.length] as string] = { operationId: `op${i}`, responses: {} };
  }
  return definePlugin<Record<string, never>, unknown>({
    name,
    summary: options.summary ?? `The ${name} service`,
    spec: { openapi: '3.1.0', info: { title: name, version: '1.0.0' }, paths },
    handlers: {},
    migrations: Object.fromEntries((options.migrations ?? []).map((m) => [m, { up: async () => {} }])),
  });
}

/** A registry of fake services; the factory records the options each was built with. */
export function fakeRegistry(names: string[], built: Record<string, unknown> = {}): ServiceRegistry {
  return Object.fromEntries(
    names.map((name, index) => [
      name,
      (options: unknown) => {
        built[name] = options;
        return fakePlugin(name, { operations: index + 1 });
      },
    ]),
  );
}

/** A context over captured streams and the given fakes; everything else must be passed in. */
export function testContext(overrides: Partial<CliContext> & { tty?: boolean } = {}): {
  context: Partial<CliContext>;
  stdout: CapturedStream;
  stderr: CapturedStream;
} {
  const { tty, ...rest } = overrides;
  const stdout = captureStream(tty ?? false);
  const stderr = captureStream(false);
  const context: Partial<CliContext> = {
    cwd: tmpdir(),
    env: {},
    stdout,
    stderr,
    loadServices: async () => fakeRegistry(['auth', 'user']),
    loadRuntime: async () => {
      throw new Error('this test passes no runtime');
    },
    waitForShutdown: () => new Promise(() => {}),
    ...rest,
  };
  return { context, stdout, stderr };
}

/** Runs the CLI in-process with a test context. */
export async function run(args: string[], overrides: Partial<CliContext> & { tty?: boolean } = {}) {
  const { context, stdout, stderr } = testContext(overrides);
  const code = await runCli(args, context);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
