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
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns a CLI process (`node <bin> …args`) and waits for its one-line JSON answer. */
export async function startStore(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; bin?: string; timeoutMs?: number } = {},
): Promise<StartedStore> {
  const child = spawn(process.execPath, [options.bin ?? CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: 'true', TOKOBAPAK_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited with ${code} before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  return {
    ...document,
    child,
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
