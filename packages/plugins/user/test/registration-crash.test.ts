import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@tokobapak/sdk';
import { eventually, expectProblem, openTestDatabase } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD } from './support.js';

// A registration cut short by a real crash: the store runs as a child process that SIGKILLs itself at
// a named point of the registration process, then starts again on the same data. Before durable
// processes, a crash after auth stored the credential left an account that could sign in while
// `/user/me` answered 401 and registering again answered 409.

const FIXTURE = fileURLToPath(new URL('./fixtures/registration-server.ts', import.meta.url));

let database: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
let dataDir: string | undefined;
let running: ChildProcess | undefined;

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    // A fresh database for the child processes; this handle only creates and drops it.
    database = await openTestDatabase();
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'tokobapak-crash-'));
  }
});
afterAll(async () => {
  running?.kill('SIGKILL');
  await database?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts the store; resolves with its URL and a promise of how it exited. */
async function startStore(killAt?: string): Promise<{ url: string; exited: Promise<NodeJS.Signals | number | null>; stop(): Promise<void> }> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete env.TOKOBAPAK_TEST_KILL_AT;
  if (killAt) env.TOKOBAPAK_TEST_KILL_AT = killAt;
  if (database?.url) env.CRASH_TEST_DATABASE_URL = database.url;
  if (dataDir) env.CRASH_TEST_DATA_DIR = dataDir;
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', FIXTURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"url"')); // log lines are JSON too
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((how) => reject(new Error(`the store exited (${how}) before listening:\n${output}`)));
  });
  return {
    url,
    exited,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const email = (label: string) => `${label}.${Date.now().toString(36)}@example.com`;

/** Registers `address` on a store that kills itself at `killAt`; resolves once it is dead. */
async function registerUntilKilled(killAt: string, address: string, name: string): Promise<void> {
  const crashing = await startStore(killAt);
  await expect(createClient({ baseUrl: crashing.url }).user.register({ body: { email: address, password: PASSWORD, name } })).rejects.toThrow();
  expect(await crashing.exited).toBe('SIGKILL');
}

// Two store starts per test; on a loaded 2-core machine each can take 20 s or more.
describe('a registration cut short by a crash', { timeout: 180_000 }, () => {
  test('after auth stored the credential but before the step was recorded: undone on restart, and the email is free again', async () => {
    const address = email('terputus');
    await registerUntilKilled('user.registration.create-credential:after', address, 'Rini');

    const store = await startStore();
    try {
      const client = createClient({ baseUrl: store.url });
      // Recovery runs in the background after start: the half-made credential goes away.
      await eventually(() => expectProblem(client.auth.login({ body: { email: address, password: PASSWORD } }), 401, 'AUTH_INVALID_CREDENTIALS'));
      const user = await client.user.register({ body: { email: address, password: PASSWORD, name: 'Rini' } });
      await client.auth.login({ body: { email: address, password: PASSWORD } });
      expect(await client.user.getProfile()).toMatchObject({ id: user.id, email: address, status: 'active' });
    } finally {
      await store.stop();
    }
  });

  test('after the credential step was recorded: resumed on restart into a whole account', async () => {
    const address = email('lanjut');
    await registerUntilKilled('user.registration.activate:before', address, 'Sari');

    const store = await startStore();
    try {
      const client = createClient({ baseUrl: store.url });
      const profile = await eventually(async () => {
        await client.auth.login({ body: { email: address, password: PASSWORD } });
        return client.user.getProfile();
      });
      expect(profile).toMatchObject({ email: address, name: 'Sari', status: 'active' });
      await expectProblem(
        createClient({ baseUrl: store.url }).user.register({ body: { email: address, password: PASSWORD, name: 'Sari' } }),
        409,
        'USER_EMAIL_TAKEN',
      );
    } finally {
      await store.stop();
    }
  });
});
