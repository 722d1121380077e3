import type { createServer, migrationStatus, Plugin, runMigrations } from '@tokobapak/server';

/**
 * What the CLI needs from `@tokobapak/server`. Commands receive it through the context, so tests
 * hand in a fake and `--help` never loads the server (Fastify, PGlite) at all.
 */
export interface ServerRuntime {
  createServer: typeof createServer;
  runMigrations: typeof runMigrations;
  migrationStatus: typeof migrationStatus;
}

/** Builds one service's plugin from the options under its name in the config file. */
export type ServiceFactory = (options: unknown) => Plugin;

/** Service name → factory. */
export type ServiceRegistry = Record<string, ServiceFactory>;

/** The running server, as `tokobapak start` sees it. */
export type RunningServer = Awaited<ReturnType<ServerRuntime['createServer']>>;

/** The real runtime, loaded on first use. */
export async function loadServerRuntime(): Promise<ServerRuntime> {
  return import('@tokobapak/server');
}

/** The built-in services, loaded on first use (this imports every plugin package). */
export async function loadBuiltInServices(): Promise<ServiceRegistry> {
  return (await import('./plugin-registry.js')).builtInServices;
}
