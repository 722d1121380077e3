import { createServer as createNetServer } from 'node:net';
import type { ServerConfig } from '@tokobapak/server';
import { DEMO_USERS, type DemoSeedResult, seedDemo, withDemoAdmin } from './demo-seed.js';
import { CliError } from './errors.js';
import type { ServerRuntime, ServiceRegistry } from './runtime.js';
import { buildPlugins, buildServerConfig, describeDatabase, ensureDataDir, withDataDir } from './server-config.js';
import type { StoreSettings } from './settings.js';

/** What `tokobapak start` shows, phase by phase. */
export type StartState =
  | { phase: 'starting'; services: string[]; database: string }
  | {
      phase: 'ready';
      url: string;
      docsUrl: string;
      services: string[];
      remoteServices: Record<string, string>;
      database: string;
      demo?: DemoSeedResult;
    }
  | { phase: 'stopping'; signal: string }
  | { phase: 'stopped' };

/** How `startStore` reports and when it stops. */
export interface StartHooks {
  onState(state: StartState): void;
  /** Resolves (with the signal name) when the server should close. */
  waitForShutdown(): Promise<string>;
}

/**
 * Starts the selected services in this process, seeds demo data when asked, serves until
 * `waitForShutdown` resolves, then closes the server.
 */
export async function startStore(settings: StoreSettings, registry: ServiceRegistry, runtime: ServerRuntime, hooks: StartHooks): Promise<void> {
  const effective = settings.demo ? { ...settings, serviceOptions: withDemoAdmin(settings.serviceOptions) } : settings;
  const plugins = buildPlugins(effective, registry);
  const database = describeDatabase(settings.database);
  hooks.onState({ phase: 'starting', services: settings.services, database });

  // Before migrations and before a new data folder exists: a taken port must cost nothing.
  await ensurePortFree(settings);
  await ensureDataDir(settings.database);
  const server = await withDataDir(() => runtime.createServer(demoServerConfig(buildServerConfig(effective, plugins), settings, runtime))).catch(
    (error: unknown) => {
      // The runtime refuses a process that cannot reach a service it calls; say so like any other setting the user can fix.
      if ((error as { code?: unknown }).code === 'SERVER_SERVICES_MISSING') throw new CliError('CLI_SERVICE_MISSING', (error as Error).message);
      throw error;
    },
  );
  let ready: Extract<StartState, { phase: 'ready' }>;
  try {
    const url = await listen(server, settings);
    ready = {
      phase: 'ready',
      url,
      docsUrl: `${url.replace(/\/$/, '')}/docs`,
      services: settings.services,
      remoteServices: settings.remoteServices,
      database,
    };
    if (settings.demo) ready.demo = await seedDemo(server);
  } catch (error) {
    await server.close();
    throw error;
  }
  hooks.onState(ready);

  const signal = await hooks.waitForShutdown();
  hooks.onState({ phase: 'stopping', signal });
  await server.close();
  hooks.onState({ phase: 'stopped' });
}

/**
 * A demo lists its accounts on the landing page and, unless origins are configured, lets pages
 * served from this machine (a storefront on `localhost:5173`) call it.
 */
function demoServerConfig(config: ServerConfig, settings: StoreSettings, runtime: ServerRuntime): ServerConfig {
  if (!settings.demo) return config;
  const demo: ServerConfig = { ...config, landingPage: { demoAccounts: DEMO_USERS.map(({ role, email, password }) => ({ role, email, password })) } };
  if (config.corsOrigins === undefined && runtime.LOCALHOST_ORIGINS) demo.corsOrigins = runtime.LOCALHOST_ORIGINS;
  return demo;
}

async function ensurePortFree(settings: StoreSettings): Promise<void> {
  if (settings.port === 0) return;
  const probe = createNetServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port: settings.port, host: settings.host, exclusive: true }, resolve);
    });
  } catch (error) {
    throw portError(error, settings);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function portError(error: unknown, settings: StoreSettings): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return error;
  return new CliError(
    'CLI_PORT_IN_USE',
    `Port ${settings.port} on ${settings.host} is in use; pass --port (or TOKOBAPAK_PORT) another port, or 0 for any free one`,
  );
}

async function listen(server: Awaited<ReturnType<ServerRuntime['createServer']>>, settings: StoreSettings): Promise<string> {
  try {
    return await server.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    throw portError(error, settings);
  }
}
