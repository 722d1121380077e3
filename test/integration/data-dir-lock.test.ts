import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@tokobapak/sdk';
import { afterAll, describe, expect, test } from 'vitest';
import { CLI_BIN, CLI_BUILT, runToEnd, type StartedStore, startStore } from './support/cli-process.js';

// PGlite allows one process per data folder: two would each acknowledge writes the other never
// sees, and one side's are gone at the next start (issue 8, item 1).
const started: StartedStore[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((store) => store.stop()));
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

const pglite = { DATABASE_URL: '' };

describe.skipIf(!CLI_BUILT)(`one process per PGlite data folder (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('a second start and a migrate refuse, naming the holder; after kill -9 a restart takes over and keeps the data', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tokobapak-lock-'));
    folders.push(folder);
    const data = join(folder, 'data');
    const first = await startStore(['start', '--services', 'auth,user', '--port', '0', '--data', data, '--json'], { env: pglite });
    started.push(first);
    const pid = first.child.pid as number;
    await createClient({ baseUrl: first.url }).user.register({
      body: { email: 'siti@example.com', password: 'kopi-susu-gula-aren', name: 'Siti' },
    });

    const second = await runToEnd(process.execPath, [CLI_BIN, 'start', '--services', 'auth,user', '--port', '0', '--data', data, '--json'], {
      env: { ...pglite, CI: 'true' },
      timeoutMs: 60_000,
    });
    expect(second.code).toBe(1);
    expect(second.output).toContain('CLI_DATA_DIR_LOCKED');
    expect(second.output).toContain(`in use by process ${pid}`);

    const migrate = await runToEnd(process.execPath, [CLI_BIN, 'migrate', 'up', '--services', 'auth,user', '--data', data, '--json'], {
      env: { ...pglite, CI: 'true' },
      timeoutMs: 60_000,
    });
    expect(migrate.code).toBe(1);
    expect(migrate.output).toContain('CLI_DATA_DIR_LOCKED');
    expect(migrate.output).toContain(`in use by process ${pid}`);
    // The refused processes touched nothing: the first still answers.
    expect((await fetch(`${first.url}/health`)).status).toBe(200);

    // A killed holder leaves its lock file behind; it must not block the restart.
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    const restarted = await startStore(['start', '--services', 'auth,user', '--port', '0', '--data', data, '--json'], { env: pglite });
    started.push(restarted);
    const session = await createClient({ baseUrl: restarted.url }).auth.login({ body: { email: 'siti@example.com', password: 'kopi-susu-gula-aren' } });
    expect(session.tokenType).toBe('Bearer');
    await restarted.stop();
  }, 180_000);
});
