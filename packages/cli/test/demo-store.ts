import { runCli } from '../src/index.js';
import { loadBuiltInServices, loadServerRuntime } from '../src/services/runtime.js';
import { captureStream, tempDir } from './helpers.js';

/** `tokobapak start --demo` as `--json` reports it once ready. */
export interface DemoReady {
  url: string;
  docsUrl: string;
  services: string[];
  demo: { users: Array<{ role: string; email: string; password: string }>; stores?: Array<{ handle: string; products: number }> };
}

/**
 * `tokobapak start --demo` with every built-in service, in this process, in memory, on a free port:
 * what a user gets from `pnpm demo`, without the build. `stop()` ends it as Ctrl+C would.
 */
export async function startDemoStore(env: Record<string, string> = {}): Promise<DemoReady & { stop(): Promise<void> }> {
  const { dir, cleanup } = await tempDir('tokobapak-demo-');
  let fire: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    fire = resolve;
  });
  const stdout = captureStream();
  const stderr = captureStream();
  const running = runCli(['start', '--demo', '--json', '--port', '0', '--data', ':memory:'], {
    cwd: dir,
    env: { TOKOBAPAK_LOG_LEVEL: 'silent', ...env },
    stdout,
    stderr,
    loadServices: loadBuiltInServices,
    loadRuntime: loadServerRuntime,
    waitForShutdown: () => stopped,
  });
  const deadline = Date.now() + 90_000;
  while (!stdout.text.includes('\n')) {
    const finished = await Promise.race([running, new Promise((resolve) => setTimeout(() => resolve(undefined), 100))]);
    if (finished !== undefined) throw new Error(`start ended with ${finished}: ${stderr.text}`);
    if (Date.now() > deadline) throw new Error(`start did not get ready: ${stderr.text}`);
  }
  const ready = JSON.parse(stdout.text.split('\n')[0] as string) as DemoReady;
  return {
    ...ready,
    async stop() {
      fire('SIGTERM');
      await running;
      await cleanup();
    },
  };
}
