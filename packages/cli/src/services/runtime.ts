import type { createServer, createTokenService, LOCALHOST_ORIGINS, limitHeapGrowth, migrationStatus, Plugin, runMigrations } from '@tokobapak/server';
import { CliError } from './errors.js';

/**
 * What the CLI needs from `@tokobapak/server`. Commands receive it through the context, so tests
 * hand in a fake and `--help` never loads the server (Fastify, PGlite) at all.
 */
export interface ServerRuntime {
  createServer: typeof createServer;
  runMigrations: typeof runMigrations;
  migrationStatus: typeof migrationStatus;
  /** The CORS origins a demo allows (absent in tests' fake runtimes). */
  LOCALHOST_ORIGINS?: typeof LOCALHOST_ORIGINS;
  /** Signs service credentials (`tokobapak service-token`; absent in tests' fake runtimes). */
  createTokenService?: typeof createTokenService;
  /** Fixes V8's old-generation growth for the process (`start`; absent in tests' fake runtimes). */
  limitHeapGrowth?: typeof limitHeapGrowth;
}

/** Where a service may keep files of its own (image originals and variants), next to the store's data. */
export interface ServiceContext {
  /** A folder for the service's files, beside the PGlite data folder (or `.tokobapak/` in the working folder). */
  filesDir: (name: string) => string;
}

/** Builds one service's plugin from the options under its name in the config file. */
export type ServiceFactory = (options: unknown, context: ServiceContext) => Plugin;

/** Service name → factory. */
export type ServiceRegistry = Record<string, ServiceFactory>;

/** The running server, as `tokobapak start` sees it. */
export type RunningServer = Awaited<ReturnType<ServerRuntime['createServer']>>;

/** The real runtime, loaded on first use. */
export async function loadServerRuntime(): Promise<ServerRuntime> {
  return importOrExplain(() => import('@tokobapak/server'));
}

/** The built-in services, loaded on first use (this imports every plugin package). */
export async function loadBuiltInServices(): Promise<ServiceRegistry> {
  return (await importOrExplain(() => import('./plugin-registry.js'))).builtInServices;
}

// A missing package is a set-up problem (not installed, or a checkout not built), not a CLI bug.
async function importOrExplain<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new CliError('CLI_PACKAGE_MISSING', `${message}\nInstall the store's dependencies (npm install); in a TokoBapak checkout, run pnpm build first.`);
  }
}
