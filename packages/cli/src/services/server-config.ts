import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Plugin, ServerConfig } from '@tokobapak/server';
import { CliError } from './errors.js';
import type { ServiceContext, ServiceRegistry } from './runtime.js';
import type { DatabaseSetting, StoreSettings } from './settings.js';

/** Builds the plugins of the selected services, each from the config key named after it. */
export function buildPlugins(
  settings: Pick<StoreSettings, 'services' | 'serviceOptions'> & { database?: DatabaseSetting },
  registry: ServiceRegistry,
): Plugin[] {
  const base = settings.database?.kind === 'pglite' ? dirname(settings.database.dataDir) : resolve('.tokobapak');
  const context: ServiceContext = { filesDir: (name) => join(base, name) };
  return settings.services.map((service) => {
    const factory = registry[service];
    if (!factory) {
      throw new CliError('CLI_UNKNOWN_SERVICE', `Unknown service ${service}; built-in services: ${Object.keys(registry).join(', ')}`);
    }
    try {
      return factory(settings.serviceOptions[service], context);
    } catch (error) {
      throw new CliError('CLI_CONFIG_INVALID', `Options of service ${service}: ${(error as Error).message}`);
    }
  });
}

/** The `database` part of the server and migration configs. */
export function databaseConfig(setting: DatabaseSetting): ServerConfig['database'] {
  switch (setting.kind) {
    case 'postgres':
      return { url: setting.url, ...(setting.preparedStatements === undefined ? {} : { preparedStatements: setting.preparedStatements }) };
    case 'pglite':
      return { dataDir: setting.dataDir };
    case 'memory':
      return {};
  }
}

/** Creates the PGlite data folder with its parents (PGlite itself creates only the last level). */
export async function ensureDataDir(setting: DatabaseSetting): Promise<void> {
  if (setting.kind === 'pglite') await mkdir(setting.dataDir, { recursive: true });
}

/**
 * Runs `open` (anything that opens the database), turning the runtime's refusal to share a PGlite
 * data folder with another live process into a CLI error naming that process.
 */
export async function withDataDir<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    // Matched by code: the runtime is loaded at run time and may be another copy of the class.
    if ((error as { code?: unknown }).code === 'DATA_DIR_LOCKED') throw new CliError('CLI_DATA_DIR_LOCKED', (error as Error).message);
    throw error;
  }
}

/** One line saying where the data lives, without the password of a connection string. */
export function describeDatabase(setting: DatabaseSetting): string {
  switch (setting.kind) {
    case 'postgres': {
      const url = new URL(setting.url);
      if (url.password) url.password = '***';
      return `PostgreSQL ${url.toString()}`;
    }
    case 'pglite':
      return `PGlite ${setting.dataDir}`;
    case 'memory':
      return 'PGlite in memory (nothing is kept)';
  }
}

/** The `createServer` config for resolved settings and built plugins. */
export function buildServerConfig(settings: StoreSettings, plugins: Plugin[]): ServerConfig {
  const config: ServerConfig = {
    plugins,
    database: databaseConfig(settings.database),
    remoteServices: settings.remoteServices,
    logLevel: settings.logLevel,
    options: settings.serviceOptions,
    rateLimit: settings.rateLimit,
  };
  if (settings.trustProxy !== undefined) config.trustProxy = settings.trustProxy;
  if (settings.remoteServiceTimeoutMs !== undefined) config.remoteServiceTimeoutMs = settings.remoteServiceTimeoutMs;
  if (settings.secret !== undefined) config.secret = settings.secret;
  if (settings.metricsToken !== undefined) config.metricsToken = settings.metricsToken;
  if (settings.publicUrl !== undefined) config.publicUrl = settings.publicUrl;
  if (settings.corsOrigins !== undefined) config.corsOrigins = settings.corsOrigins;
  if (settings.mail !== undefined) config.mail = settings.mail;
  return config;
}
