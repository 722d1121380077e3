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
const BARE_ENTRY = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
// Under node_modules so that the compiled entry resolves the workspace packages as the source does.
const compiledPath = (entry: string) =>
  fileURLToPath(new URL(`../../node_modules/.cache/tokobapak-bench/catalogue-${entry.endsWith('bare-server.ts') ? 'bare-' : ''}server.mjs`, import.meta.url));

/** `--runtime dist`: the entries with their types stripped, so that no loader sits in a measured process. */
export async function compileCatalogueServer(): Promise<void> {
  const ts = (await import('typescript')).default;
  for (const entry of [ENTRY, BARE_ENTRY]) {
    const { outputText } = ts.transpileModule(await readFile(entry, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: entry,
    });
    await mkdir(dirname(compiledPath(entry)), { recursive: true });
    await writeFile(compiledPath(entry), outputText);
  }
}

const entryArgs = (runtime: Runtime, entry: string) =>
  runtime === 'src' ? ['--conditions=development', '--import', import.meta.resolve('tsx'), entry] : [compiledPath(entry)];

export function catalogueServerCommand(launch: CatalogueServerLaunch): string[] {
  const entry = entryArgs(launch.runtime, ENTRY);
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
  return startListening(catalogueServerCommand(launch), launch.env ?? {}, timeoutMs);
}

/** The list page's baseline, `bare-server.ts`, on the same database (`--db-url …`, `--pool-size …`). */
export function startBareServer(launch: CatalogueServerLaunch, timeoutMs = 60_000): Promise<CatalogueServer> {
  return startListening([...entryArgs(launch.runtime, BARE_ENTRY), ...launch.databaseArgs], launch.env ?? {}, timeoutMs);
}

function startListening(args: string[], env: Record<string, string>, timeoutMs: number): Promise<CatalogueServer> {
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
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
