import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DataDirLockedError, openDatabase } from '../src/index.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tokobapak-lock-'));
  folders.push(folder);
  return join(folder, 'data');
}

async function plantLock(dataDir: string, holder: object): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'tokobapak.lock'), `${JSON.stringify({ lockedAt: '2026-01-01T00:00:00.000Z', ...holder })}\n`);
}

/** A pid that certainly ran and ended. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('the PGlite data folder lock (openDatabase)', () => {
  test('a second open of a held folder is refused naming the holder; after close it opens again', async () => {
    const dataDir = await dataFolder();
    const first = await openDatabase({ dataDir });
    const refusal = await openDatabase({ dataDir }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as DataDirLockedError).holder.pid).toBe(process.pid);
    expect((refusal as Error).message).toContain(`in use by process ${process.pid}`);
    await first.close();
    const again = await openDatabase({ dataDir });
    await again.close();
    await expect(readFile(join(dataDir, 'tokobapak.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);

  test('a lock left by a process that is gone, or by an earlier process whose pid was reused, is taken over', async () => {
    const dataDir = await dataFolder();
    await plantLock(dataDir, { pid: deadPid(), hostname: hostname(), processStart: null });
    const opened = await openDatabase({ dataDir });
    await opened.close();
    // The parent process is alive, but it started long before the recorded start time.
    await plantLock(dataDir, { pid: process.ppid, hostname: hostname(), processStart: 1 });
    const reopened = await openDatabase({ dataDir });
    expect(JSON.parse(await readFile(join(dataDir, 'tokobapak.lock'), 'utf8')).pid).toBe(process.pid);
    await reopened.close();
  }, 60_000);

  test('a lock held by another host cannot be checked, so it is refused with how to clear it', async () => {
    const dataDir = await dataFolder();
    await plantLock(dataDir, { pid: 4242, hostname: 'elsewhere.example', processStart: 7 });
    const refusal = await openDatabase({ dataDir }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as Error).message).toMatch(/process 4242 on host elsewhere\.example.*delete .*tokobapak\.lock/);
  });
});
