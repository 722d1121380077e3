import type { ServerRuntime, ServiceRegistry } from './runtime.js';
import { buildPlugins, databaseConfig, ensureDataDir, withDataDir } from './server-config.js';
import type { StoreSettings } from './settings.js';

/** `up` applies pending migrations; `down` reverts the latest one of each selected service. */
export type MigrationDirection = 'up' | 'down';

/** The report of one `migrate up` or `migrate down`. */
export type MigrationReport = Awaited<ReturnType<ServerRuntime['runMigrations']>>;

/** One migration of one service and when it ran (`null`: pending). */
export type MigrationStatusRow = Awaited<ReturnType<ServerRuntime['migrationStatus']>>[number];

/** Applies or reverts migrations of the selected services. */
export async function runMigrationsFor(
  direction: MigrationDirection,
  settings: StoreSettings,
  registry: ServiceRegistry,
  runtime: ServerRuntime,
): Promise<MigrationReport> {
  const plugins = buildPlugins(settings, registry);
  await ensureDataDir(settings.database);
  return withDataDir(() => runtime.runMigrations({ plugins, database: databaseConfig(settings.database) }, direction));
}

/** Every migration of the selected services, executed or pending. */
export async function migrationStatusFor(settings: StoreSettings, registry: ServiceRegistry, runtime: ServerRuntime): Promise<MigrationStatusRow[]> {
  const plugins = buildPlugins(settings, registry);
  await ensureDataDir(settings.database);
  return withDataDir(() => runtime.migrationStatus({ plugins, database: databaseConfig(settings.database) }));
}
