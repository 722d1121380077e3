import { loadBuiltInServices, loadServerRuntime, type ServerRuntime, type ServiceRegistry } from './runtime.js';
import type { Env } from './settings.js';

/** Where the CLI writes: a terminal, a pipe, or a test's buffer. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything a command touches outside itself, so tests can pass their own. */
export interface CliContext {
  cwd: string;
  env: Env;
  stdout: OutputStream;
  stderr: OutputStream;
  /** The built-in service factories (imported on first use). */
  loadServices(): Promise<ServiceRegistry>;
  /** `@tokobapak/server` (imported on first use). */
  loadRuntime(): Promise<ServerRuntime>;
  /** Resolves with the signal name when the process is asked to stop. */
  waitForShutdown(): Promise<string>;
}

/** The context of a real process, with any part replaced. */
export function createContext(overrides: Partial<CliContext> = {}): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    loadServices: loadBuiltInServices,
    loadRuntime: loadServerRuntime,
    waitForShutdown: waitForSignal,
    ...overrides,
  };
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second Ctrl+C while closing means "now".
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
