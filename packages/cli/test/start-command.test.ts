import { existsSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import type { ServerConfig } from '@tokobapak/server';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ServerRuntime } from '../src/index.js';
import { fakeRegistry, run as runIn, tempDir } from './helpers.js';

// Every run works in a fresh folder: the CLI creates the PGlite data folder before starting.
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());
const run: typeof runIn = (args, overrides = {}) => runIn(args, { cwd: dir, ...overrides });

interface Recorded {
  config?: ServerConfig;
  listen?: { port?: number; host?: string };
  registered: unknown[];
  closed: number;
}

/** A runtime whose server records what it was given; `register` answers 201, then 409 for a known email. */
function fakeRuntime(options: { listenError?: NodeJS.ErrnoException; existing?: string[] } = {}): { runtime: ServerRuntime; recorded: Recorded } {
  const recorded: Recorded = { registered: [], closed: 0 };
  const known = new Set(options.existing ?? []);
  const runtime = {
    async createServer(config: ServerConfig) {
      recorded.config = config;
      return {
        plugins: config.plugins,
        url: undefined as string | undefined,
        async listen(listenOptions: { port?: number; host?: string }) {
          recorded.listen = listenOptions;
          if (options.listenError) throw options.listenError;
          return `http://${listenOptions.host}:${listenOptions.port || 43210}`;
        },
        async close() {
          recorded.closed += 1;
        },
        client: () => ({
          user: {
            async register({ body }: { body: { email: string } }) {
              recorded.registered.push(body);
              if (known.has(body.email)) throw Object.assign(new Error('taken'), { status: 409, code: 'USER_EMAIL_TAKEN' });
              known.add(body.email);
              return { id: 'usr_1', ...body };
            },
          },
        }),
      };
    },
    runMigrations: async () => ({ results: [] }),
    migrationStatus: async () => [],
  } as unknown as ServerRuntime;
  return { runtime, recorded };
}

/** A port nothing listens on (for the moment). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A shutdown signal the test fires. */
function signal() {
  let fire: (name: string) => void = () => {};
  const wait = new Promise<string>((resolve) => {
    fire = resolve;
  });
  return { waitForShutdown: () => wait, fire };
}

describe('tokobapak start', () => {
  test('builds the server config from flags, env and the config file, listens, and closes on a signal', async () => {
    const built: Record<string, unknown> = {};
    const { runtime, recorded } = fakeRuntime();
    const shutdown = signal();
    const running = run(['start', '--services', 'user', '--port', '0', '--data', ':memory:', '--json'], {
      env: { TOKOBAPAK_HOST: '0.0.0.0', TOKOBAPAK_SECRET: 'shh', TOKOBAPAK_AUTH_URL: 'http://127.0.0.1:4001', TOKOBAPAK_LOG_LEVEL: 'info' },
      loadServices: async () => fakeRegistry(['auth', 'user'], built),
      loadRuntime: async () => runtime,
      waitForShutdown: shutdown.waitForShutdown,
    });
    await expect.poll(() => recorded.listen).toBeDefined();
    shutdown.fire('SIGTERM');
    const { code, stdout, stderr } = await running;

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(recorded.closed).toBe(1);
    expect(recorded.listen).toEqual({ port: 0, host: '0.0.0.0' });
    expect(recorded.config).toMatchObject({
      database: {},
      secret: 'shh',
      remoteServices: { auth: 'http://127.0.0.1:4001' },
      logLevel: 'info',
      options: {},
    });
    expect(recorded.config?.plugins.map((p) => p.name)).toEqual(['user']);
    expect(Object.keys(built)).toEqual(['user']);
    // One JSON document, printed once the store is ready.
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      url: 'http://0.0.0.0:43210',
      docsUrl: 'http://0.0.0.0:43210/docs',
      services: ['user'],
      remoteServices: { auth: 'http://127.0.0.1:4001' },
      database: 'PGlite in memory (nothing is kept)',
    });
  });

  test('plain lines: the store URL, the docs URL and the services, then the shutdown', async () => {
    const { runtime } = fakeRuntime();
    const shutdown = signal();
    const running = run(['start', '--port', '4555'], { loadRuntime: async () => runtime, waitForShutdown: shutdown.waitForShutdown });
    await new Promise((resolve) => setTimeout(resolve, 50));
    shutdown.fire('SIGINT');
    const { stdout } = await running;
    expect(stdout).toBe(
      [
        `Starting auth, user (PGlite ${dir}/.tokobapak/data)`,
        'Store: http://127.0.0.1:4555',
        'API reference: http://127.0.0.1:4555/docs',
        'Services: auth, user',
        `Database: PGlite ${dir}/.tokobapak/data`,
        'Press Ctrl+C to stop.',
        'Stopping (SIGINT)',
        'Stopped.',
        '',
      ].join('\n'),
    );
  });

  test('--demo registers the demo users through the in-process client, idempotently, and makes the admin one', async () => {
    const built: Record<string, unknown> = {};
    const { runtime, recorded } = fakeRuntime({ existing: ['customer@demo.tokobapak.dev'] });
    const shutdown = signal();
    const running = run(['start', '--demo', '--json'], {
      loadServices: async () => fakeRegistry(['auth', 'user'], built),
      loadRuntime: async () => runtime,
      waitForShutdown: shutdown.waitForShutdown,
    });
    await expect.poll(() => recorded.registered.length).toBe(3);
    shutdown.fire('SIGINT');
    const ready = JSON.parse((await running).stdout);
    expect(ready.demo.users).toEqual([
      { role: 'admin', email: 'admin@demo.tokobapak.dev', password: 'demo-boss-password', name: 'Ibu Sari', status: 'created' },
      { role: 'customer', email: 'customer@demo.tokobapak.dev', password: 'demo-shopper-password', name: 'Pak Budi', status: 'existing' },
      { role: 'merchant', email: 'merchant@demo.tokobapak.dev', password: 'demo-seller-password', name: 'Bu Rina', status: 'created' },
    ]);
    // Without the merchant and inventory services in this process there is no demo store.
    expect(ready.demo.stores).toBeUndefined();
    expect(recorded.registered).toEqual([
      { email: 'admin@demo.tokobapak.dev', password: 'demo-boss-password', name: 'Ibu Sari' },
      { email: 'customer@demo.tokobapak.dev', password: 'demo-shopper-password', name: 'Pak Budi' },
      { email: 'merchant@demo.tokobapak.dev', password: 'demo-seller-password', name: 'Bu Rina' },
    ]);
    expect(built.auth).toEqual({ adminEmails: ['admin@demo.tokobapak.dev'] });
  });

  test('a port taken between the check and listening is a clear error, and the server is closed', async () => {
    const port = await freePort();
    const { runtime, recorded } = fakeRuntime({ listenError: Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }) });
    const { code, stderr } = await run(['start', '--port', String(port)], { loadRuntime: async () => runtime });
    expect(code).toBe(1);
    expect(stderr).toContain(`error: Port ${port} on 127.0.0.1 is in use; pass --port (or TOKOBAPAK_PORT) another port, or 0 for any free one`);
    expect(recorded.closed).toBe(1);
  });

  test('a port already taken is found before migrations, and no data folder is left behind', async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { runtime, recorded } = fakeRuntime();
      const data = join(dir, 'fresh', 'data');
      const { code, stderr } = await run(['start', '--port', String(port), '--data', data], { loadRuntime: async () => runtime });
      expect(code).toBe(1);
      expect(stderr).toContain(`error: Port ${port} on 127.0.0.1 is in use`);
      expect(recorded.config).toBeUndefined();
      expect(existsSync(join(dir, 'fresh'))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe("tokobapak start fixes V8's old-generation growth for its process", () => {
  /** Starts the fake store with `env`, stops it, and answers what `limitHeapGrowth` was called with. */
  async function growthSetFor(env: Record<string, string>) {
    const { runtime, recorded } = fakeRuntime();
    const calls: Array<number | undefined> = [];
    runtime.limitHeapGrowth = (percent?: number) => {
      // Before the store is built: it must apply from the services' first allocations on.
      expect(recorded.config).toBeUndefined();
      calls.push(percent);
    };
    const shutdown = signal();
    const running = run(['start', '--port', '0', '--data', ':memory:'], { env, loadRuntime: async () => runtime, waitForShutdown: shutdown.waitForShutdown });
    await expect.poll(() => recorded.listen).toBeDefined();
    shutdown.fire('SIGTERM');
    return { calls, ...(await running) };
  }

  test("at the server package's default, or at TOKOBAPAK_HEAP_GROWING_PERCENT (0 leaves it to V8)", async () => {
    expect((await growthSetFor({})).calls).toEqual([undefined]);
    expect((await growthSetFor({ TOKOBAPAK_HEAP_GROWING_PERCENT: '0' })).calls).toEqual([0]);
    expect((await growthSetFor({ TOKOBAPAK_HEAP_GROWING_PERCENT: ' 150 ' })).calls).toEqual([150]);
  });

  test('a value that is not a whole number of percent is refused before anything starts', async () => {
    const { runtime, recorded } = fakeRuntime();
    const { code, stderr } = await run(['start', '--port', '0', '--data', ':memory:'], {
      env: { TOKOBAPAK_HEAP_GROWING_PERCENT: '50%' },
      loadRuntime: async () => runtime,
    });
    expect(code).toBe(1);
    expect(stderr).toContain('TOKOBAPAK_HEAP_GROWING_PERCENT is a whole number of percent');
    expect(recorded.config).toBeUndefined();
  });
});
