import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A bench server in its own process. */
export interface RunningEntry {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a bench entry (`entry` relative to `from`, a module URL) in its own node process, packages
 * from their sources through tsx so that no build is needed, and waits for its `listening` line.
 * `nodeArgs` go before the entry (`--cpu-prof`, for one).
 */
export async function startEntry(from: string, entry: string, args: string[], nodeArgs: string[] = []): Promise<RunningEntry> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, '--conditions=development', '--import', import.meta.resolve('tsx'), fileURLToPath(new URL(entry, from)), ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string };
        if (event.event === 'listening' && event.url) resolve(event.url);
      } catch {}
    });
  });
  return {
    url,
    pid: child.pid as number,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The other side, in a bench server entry: prints the `listening` line {@link startEntry} waits for,
 * and closes the server on SIGTERM, SIGINT or when stdin ends (the harness went away).
 */
export function serveUntilStopped(url: string, close: () => Promise<unknown>): void {
  process.stdout.write(`${JSON.stringify({ event: 'listening', url, pid: process.pid })}\n`);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
