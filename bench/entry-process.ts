import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Where a bench entry's packages come from: their sources through tsx, or their `dist` builds with plain node. */
export type EntryRuntime = 'src' | 'dist';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
// Under node_modules so that compiled entries resolve the workspace packages as the bench's own files do.
const COMPILED_DIR = fileURLToPath(new URL('../node_modules/.cache/tokobapak-bench/entries/', import.meta.url));
const RELATIVE_IMPORT = /from '(\.\.?\/[^']+)\.js'/g;

/**
 * Compiles a bench entry and the bench files it imports (relative imports, followed) with their
 * types stripped (TypeScript's `transpileModule`), so that `dist` runs them on plain node with no
 * loader in the process, as `tokobapak start` runs. Answers the compiled entry's path.
 */
export async function compileEntry(entryPath: string): Promise<string> {
  const ts = (await import('typescript')).default;
  const done = new Set<string>();
  const compile = async (source: string): Promise<void> => {
    if (done.has(source)) return;
    done.add(source);
    const text = await readFile(source, 'utf8');
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: source,
    });
    const target = join(COMPILED_DIR, relative(BENCH_DIR, source)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
    for (const match of text.matchAll(RELATIVE_IMPORT)) await compile(resolve(dirname(source), `${match[1]}.ts`));
  };
  await compile(entryPath);
  return join(COMPILED_DIR, relative(BENCH_DIR, entryPath)).replace(/\.ts$/, '.js');
}

/** A bench server in its own process. */
export interface RunningEntry {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a bench entry (`entry` relative to `from`, a module URL) in its own node process and waits
 * for its `listening` line: by default packages from their sources through tsx, so that no build is
 * needed; with `runtime: 'dist'`, the packages' builds on plain node (see {@link compileEntry}).
 * `nodeArgs` go before the entry (`--cpu-prof`, for one).
 */
export async function startEntry(from: string, entry: string, args: string[], nodeArgs: string[] = [], runtime: EntryRuntime = 'src'): Promise<RunningEntry> {
  const source = fileURLToPath(new URL(entry, from));
  const command = runtime === 'src' ? ['--conditions=development', '--import', import.meta.resolve('tsx'), source] : [await compileEntry(source)];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...command, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
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
