/**
 * Starting and stopping `bench/catalogue/server.ts`. `bench/server-process.ts` spawns the fixed
 * entry `bench/server.ts` (auth and user only), so this is a small wrapper of its own with the same
 * contract: spawn node on the entry, wait for the `listening` line, stop with SIGTERM (SIGKILL
 * after 15 s). stdin stays open as a lifeline: the server closes itself when this process dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../options.js';

export interface CatalogueServerLaunch {
  runtime: Runtime;
  /** `--db-url … --pool-size …` or `--data-dir …` (from `createBenchDatabase`). */
  databaseArgs: string[];
  blobDir: string;
  mailDir: string;
  signingKey: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Diagnosis: the server counts its SQL statements ({@link CatalogueServer.takeQueryCounts}). */
  countQueries?: boolean;
}

export interface CatalogueServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** With `countQueries`: the statements sent since the last call, by SQL text. */
  takeQueryCounts(): Promise<Record<string, number>>;
}

const ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
// Under node_modules so that the compiled entry resolves the workspace packages as the source does.
const COMPILED = fileURLToPath(new URL('../../node_modules/.cache/tokobapak-bench/catalogue-server.mjs', import.meta.url));

/** `--runtime dist`: the entry with its types stripped, so that no loader sits in the measured process. */
export async function compileCatalogueServer(): Promise<void> {
  const ts = (await import('typescript')).default;
  const { outputText } = ts.transpileModule(await readFile(ENTRY, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: ENTRY,
  });
  await mkdir(dirname(COMPILED), { recursive: true });
  await writeFile(COMPILED, outputText);
}

export function catalogueServerCommand(launch: CatalogueServerLaunch): string[] {
  const entry = launch.runtime === 'src' ? ['--conditions=development', '--import', import.meta.resolve('tsx'), ENTRY] : [COMPILED];
  return [
    ...(launch.nodeArgs ?? []),
    ...entry,
    ...launch.databaseArgs,
    '--blob-dir',
    launch.blobDir,
    '--mail-dir',
    launch.mailDir,
    // Joined with `=`: a base64url key may start with '-', which parseArgs would take for a flag.
    `--signing-key=${launch.signingKey}`,
    ...(launch.countQueries ? ['--count-queries'] : []),
  ];
}

export function startCatalogueServer(launch: CatalogueServerLaunch, timeoutMs = 120_000): Promise<CatalogueServer> {
  const child: ChildProcess = spawn(process.execPath, catalogueServerCommand(launch), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...launch.env },
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
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
  const waiting: Array<(counts: Record<string, number>) => void> = [];
  const takeQueryCounts = () =>
    new Promise<Record<string, number>>((resolve) => {
      waiting.push(resolve);
      child.stdin?.write('queries\n');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`catalogue server did not report listening within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`catalogue server exited before listening (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let message: { event?: unknown; url?: unknown; statements?: Record<string, number> } | undefined;
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        message = undefined;
      }
      if (message?.event === 'listening' && typeof message.url === 'string') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ url: message.url, pid: child.pid as number, stop, takeQueryCounts });
      } else if (message?.event === 'queries') waiting.shift()?.(message.statements ?? {});
      else process.stderr.write(`[server] ${line}\n`);
    });
  });
}
