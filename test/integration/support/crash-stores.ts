import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase } from '@tokobapak/server/testing';
import { type StartedStore, startFixtureStore } from './cli-process.js';

/** A fixture store that a crash test starts, kills and starts again on the same data. */
export interface CrashStores {
  /** Creates the data: a fresh PostgreSQL database with DATABASE_URL, else an empty PGlite folder. */
  open(): Promise<void>;
  /** Starts the fixture on the data; with `killAt` (`<plugin>.<process>.<step>:<before|after>`) it SIGKILLs itself there. */
  start(killAt?: string): Promise<StartedStore>;
  /** Where the data is, to read it once the store has stopped. */
  where(): { url?: string; dataDir?: string };
  /** Kills what is still running and removes the data. */
  close(): Promise<void>;
}

/**
 * Crash tests' stores: each start is a process of its own running `fixture`, which reads
 * `CRASH_TEST_DATABASE_URL` or `CRASH_TEST_DATA_DIR` (and `env`) and prints `{ url, docsUrl }`. The
 * kill is real (TOKOBAPAK_TEST_KILL_AT, see the runtime's kill switch): no clean-up runs.
 */
export function crashStores(fixture: string, env: Record<string, string> = {}): CrashStores {
  let database: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  let dataDir: string | undefined;
  const started: StartedStore[] = [];
  return {
    async open() {
      // The test's own handle only creates and drops the database; the stores open their own.
      if (process.env.DATABASE_URL) database = await openTestDatabase();
      else dataDir = await mkdtemp(join(tmpdir(), 'tokobapak-crash-'));
    },
    async start(killAt = '') {
      const store = await startFixtureStore(fixture, {
        ...env,
        TOKOBAPAK_TEST_KILL_AT: killAt,
        ...(database?.url ? { CRASH_TEST_DATABASE_URL: database.url } : {}),
        ...(dataDir ? { CRASH_TEST_DATA_DIR: dataDir } : {}),
      });
      started.push(store);
      return store;
    },
    where: () => ({ url: database?.url, dataDir }),
    async close() {
      for (const store of started) if (store.child.exitCode === null && store.child.signalCode === null) store.child.kill('SIGKILL');
      await database?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
