import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The built CLI entry point (the test command builds before running suites). */
export const CLI_BIN = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
export const CLI_BUILT = existsSync(CLI_BIN);

/** A `tokobapak start --json` process and the document it printed once listening. */
export interface StartedStore {
  url: string;
  docsUrl: string;
  child: ChildProcess;
  /** Resolves with the signal that ended the process (`SIGKILL` after a crash), or its exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Spawns a CLI process (`node [...nodeArgs] <bin> …args`) and waits for its one-line JSON answer.
 * `nodeArgs` runs a TypeScript fixture in place of the built CLI (`--import tsx`).
 */
export async function startStore(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; bin?: string; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<StartedStore> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin ?? CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: 'true', TOKOBAPAK_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const document = await new Promise<{ url: string; docsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no JSON from the CLI in time\nstdout: ${stdout}\nstderr: ${stderr}`)), options.timeoutMs ?? 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as { url?: string; docsUrl?: string; error?: unknown };
          if (parsed.error) reject(new Error(`CLI failed: ${line}\n${stderr}`));
          if (parsed.url && parsed.docsUrl) {
            clearTimeout(timer);
            resolve({ url: parsed.url, docsUrl: parsed.docsUrl });
          }
        } catch {
          // a partial line; wait for more output
        }
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited with ${how} before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  return {
    ...document,
    child,
    exited,
    output: () => stdout + stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        // A process killed by a signal has no exit code but a signal code.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs a command to completion and returns its output; throws on a non-zero exit. */
export async function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  const outcome = await runToEnd(command, args, options);
  if (outcome.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${outcome.code}:\n${outcome.output}`);
  return outcome.output;
}

/**
 * Runs a command to completion and returns its exit code and output (stdout and stderr, interleaved).
 * A command still running after `timeoutMs` is killed and reported with code null.
 */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * Runs the built CLI once as a user would, with the given environment on top of the test's, and
 * resolves with its exit code and output (never throws on a non-zero exit: tests assert on it).
 */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, CI: 'true', ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Node flags that run a TypeScript fixture from source, as the tests' own imports resolve it. */
const TSX_ARGS = ['--conditions=development', '--import', 'tsx'];

/**
 * Starts a test fixture (a TypeScript file that creates a server and prints `{ url, docsUrl }`) as a
 * process of its own, for tests that must kill a real process (crash tests) and start it again.
 */
export function startFixtureStore(fixture: string, env: Record<string, string>): Promise<StartedStore> {
  return startStore([], { bin: fixture, nodeArgs: TSX_ARGS, env, timeoutMs: 120_000 });
}
