import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Runtime } from './options.js';

/** How to start `bench/server.ts`. */
export interface ServerLaunch {
  runtime: Runtime;
  /** Database flags from `createBenchDatabase`. */
  databaseArgs: string[];
  plugins: string[];
  mailDir: string;
  /** Fixed port (start-up timing needs to know it before the server says so); 0 = any. */
  port?: number;
  secret?: string;
  accessTokenTtl?: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** A running store process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));
// Under node_modules so that the compiled entry resolves the workspace packages as bench/server.ts does.
const COMPILED_SERVER_SCRIPT = fileURLToPath(new URL('../node_modules/.cache/tokobapak-bench/server.mjs', import.meta.url));

/**
 * Makes the entry `dist` runs: `bench/server.ts` with its types stripped (TypeScript's
 * `transpileModule`; the file imports nothing relative), so that no loader sits in the process.
 */
export async function compileServerEntry(): Promise<void> {
  const ts = (await import('typescript')).default;
  const source = await readFile(SERVER_SCRIPT, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: SERVER_SCRIPT,
  });
  await mkdir(dirname(COMPILED_SERVER_SCRIPT), { recursive: true });
  await writeFile(COMPILED_SERVER_SCRIPT, outputText);
}

/**
 * The node command line for the server. `src` loads every workspace package from its sources (the
 * `development` export condition) through tsx, which compiles them on the fly (cached after the
 * first run); `dist` is plain node on the packages' tsup builds, as `tokobapak start` runs, with
 * the entry from {@link compileServerEntry}.
 */
export function serverCommand(launch: ServerLaunch): string[] {
  const entry = launch.runtime === 'src' ? ['--conditions=development', '--import', import.meta.resolve('tsx'), SERVER_SCRIPT] : [COMPILED_SERVER_SCRIPT];
  const args = [...(launch.nodeArgs ?? []), ...entry];
  args.push(...launch.databaseArgs, '--plugins', launch.plugins.join(','), '--mail-dir', launch.mailDir, '--port', String(launch.port ?? 0));
  if (launch.secret) args.push('--secret', launch.secret);
  if (launch.accessTokenTtl) args.push('--access-token-ttl', String(launch.accessTokenTtl));
  return args;
}

function spawnServer(launch: ServerLaunch): ChildProcess {
  // stdin stays open as a lifeline: the server closes itself when it ends (this process died).
  return spawn(process.execPath, serverCommand(launch), { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...launch.env } });
}

function stopper(child: ChildProcess): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
    return stopping;
  };
}

/** Starts the server and resolves once it printed its URL; its other stdout lines are passed on to stderr. */
export function startServer(launch: ServerLaunch, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawnServer(launch);
  const stop = stopper(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`bench/server did not report listening within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`bench/server exited before listening (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const message = parseLine(line);
      if (message?.event === 'listening' && typeof message.url === 'string') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ url: message.url, pid: child.pid as number, stop });
      } else process.stderr.write(`[server] ${line}\n`);
    });
  });
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds from spawning the server process to the first 200 from `GET /health`, polled every
 * `pollMs` (connection refused until it listens). Stops the server afterwards.
 */
export async function measureStartup(launch: Omit<ServerLaunch, 'port'>, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const pollMs = options.pollMs ?? 20;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const started = performance.now();
  const child = spawnServer({ ...launch, port });
  const stop = stopper(child);
  child.stdout?.resume();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  try {
    for (;;) {
      const status = await healthStatus(port);
      const elapsed = performance.now() - started;
      if (status === 200) return elapsed;
      if (exited) throw new Error('bench/server exited during the start-up measurement');
      if (elapsed > timeoutMs) throw new Error(`bench/server was not healthy within ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  } finally {
    await stop();
  }
}

function healthStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', method: 'GET', agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
