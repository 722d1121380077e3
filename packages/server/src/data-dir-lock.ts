import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside a PGlite data folder (PGlite ignores files it does not know). */
export const LOCK_FILE = 'tokobapak.lock';

/** Who holds a data folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** The holder's start time in clock ticks since boot (Linux `/proc/<pid>/stat`), to tell a reused pid apart; null elsewhere. */
  processStart: number | null;
  /** When the lock was taken (ISO 8601). */
  lockedAt: string;
}

/** A second process tried to open a PGlite data folder that a live process holds. */
export class DataDirLockedError extends Error {
  /** Stable code, so callers in other packages need not share the class. */
  readonly code = 'DATA_DIR_LOCKED';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
    super(
      `The data folder ${dataDir} is in use by process ${holder.pid}${where} (since ${holder.lockedAt}). ` +
        'PGlite allows one process per folder: stop that process first, or use another folder' +
        (where ? `; if that process is gone, delete ${join(dataDir, LOCK_FILE)}` : ''),
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held lock; `release` is idempotent. */
export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Folders this process holds: a second open of one of them in this process is refused too. */
const heldHere = new Set<string>();

/**
 * Takes the exclusive lock of a PGlite data folder, or throws {@link DataDirLockedError} naming the
 * live holder. Two processes writing one folder each acknowledge writes the other never sees, and
 * one side's are lost at the next start, so this is refused rather than warned about.
 *
 * The lock file is created atomically (written aside, then hard-linked into place, which fails if
 * it exists) and records the holder's pid, host and process start time. A lock whose process is
 * gone — killed with SIGKILL, or a reused pid that started later than the holder — is stale and
 * taken over. A lock from another host cannot be checked, so it is refused with how to clear it.
 *
 * @example
 * const lock = await lockDataDir('.tokobapak/data');
 * try { ... } finally { await lock.release(); }
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), processStart: processStartOf(process.pid), lockedAt: new Date().toISOString() };
  const content = `${JSON.stringify(me)}\n`;
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(aside, content, { mode: 0o644 });
  try {
    // Bounded: each pass either takes the lock, finds a live holder, or clears one stale lock.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(aside, path);
        return held(path, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const seen = await readHolder(path);
      if (seen === undefined) continue; // released between our attempt and the read
      if (seen.holder && isAlive(seen.holder, path)) throw new DataDirLockedError(dataDir, seen.holder);
      await clearStale(path, seen.raw);
    }
    throw new Error(`Could not take the lock ${path}: it keeps changing hands`);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function held(path: string, content: string): DataDirLock {
  if (heldHere.has(path)) throw new Error(`internal: ${path} locked twice`);
  heldHere.add(path);
  // A process that exits without closing the database (process.exit) leaves no lock behind.
  const onExit = () => removeIfOurs(path, content);
  process.once('exit', onExit);
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      heldHere.delete(path);
      removeIfOurs(path, content);
    },
  };
}

function removeIfOurs(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

async function readHolder(path: string): Promise<{ raw: string; holder: LockHolder | undefined } | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return { raw, holder: undefined };
    return {
      raw,
      holder: {
        pid: parsed.pid,
        hostname: parsed.hostname,
        processStart: typeof parsed.processStart === 'number' ? parsed.processStart : null,
        lockedAt: String(parsed.lockedAt ?? 'an unknown time'),
      },
    };
  } catch {
    // Files are linked into place complete, so an unreadable one was not written by this code: stale.
    return { raw, holder: undefined };
  }
}

/** Whether the recorded holder still runs (on another host: assumed so, since it cannot be checked). */
function isAlive(holder: LockHolder, path: string): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) {
    // Our own pid: either this process holds it (a second open here), or a previous incarnation
    // with the same pid (pid 1 in a container) died without releasing it.
    return heldHere.has(path);
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid is taken; if it started at another time it is a different process that reused it.
  const start = processStartOf(holder.pid);
  return holder.processStart === null || start === null || start === holder.processStart;
}

/**
 * Removes a stale lock without removing a fresh one that another process put in its place
 * meanwhile: the file is moved aside atomically, and put back if it is not the one judged stale.
 */
async function clearStale(path: string, staleContent: string): Promise<void> {
  const moved = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const content = await readFile(moved, 'utf8').catch(() => staleContent);
  if (content !== staleContent) await link(moved, path).catch(() => undefined);
  await unlink(moved).catch(() => undefined);
}

/** A process's start time in clock ticks since boot, from `/proc` (Linux); null where unavailable. */
function processStartOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; field 22 is the start time.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}
