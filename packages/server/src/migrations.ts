import { DEFAULT_MIGRATION_TABLE, type Kysely, type Migration, type MigrationResult, Migrator, sql } from 'kysely';
import { type DatabaseConfig, openDatabase } from './database.js';
import { PLATFORM_SCHEMA, platformMigrations } from './platform-migrations.js';
import type { Plugin } from './plugin.js';

/** What one `migrate up|down` did, per service and migration. */
export interface MigrationReport {
  results: Array<{ service: string; migration: string; direction: 'up' | 'down'; status: MigrationResult['status'] }>;
  error?: string;
}

/** Which migrations of which service have run. */
export interface MigrationStatusRow {
  service: string;
  migration: string;
  executedAt: Date | null;
}

interface Target {
  schema: string;
  migrations: Record<string, Migration>;
}

// An arbitrary constant: every process of one store takes this lock before touching schemas, so two
// services starting at once against one PostgreSQL do not race on CREATE SCHEMA.
const MIGRATION_LOCK = 7_261_541;

function targetsFor(plugins: Plugin[], includePlatform: boolean): Target[] {
  const pluginTargets = plugins.map((plugin) => ({ schema: plugin.name, migrations: plugin.migrations }));
  return includePlatform ? [{ schema: PLATFORM_SCHEMA, migrations: platformMigrations }, ...pluginTargets] : pluginTargets;
}

function migratorFor(db: Kysely<unknown>, target: Target): Migrator {
  return new Migrator({
    db: db.withSchema(target.schema),
    provider: { getMigrations: async () => target.migrations },
    migrationTableSchema: target.schema,
  });
}

/**
 * Applies pending migrations (`up`: the runtime's first, then each plugin's in its own schema) or
 * reverts the latest migration of each plugin (`down`), under a database-wide advisory lock.
 */
export async function applyMigrations(db: Kysely<unknown>, plugins: Plugin[], direction: 'up' | 'down'): Promise<MigrationReport> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      const report: MigrationReport = { results: [] };
      const targets = direction === 'up' ? targetsFor(plugins, true) : targetsFor(plugins, false).reverse();
      for (const target of targets) {
        if (direction === 'up' && (await isUpToDate(connection, target))) continue;
        await sql`create schema if not exists ${sql.id(target.schema)}`.execute(connection);
        const migrator = migratorFor(connection, target);
        const { error, results } = direction === 'up' ? await migrator.migrateToLatest() : await migrator.migrateDown();
        for (const result of results ?? []) {
          report.results.push({
            service: target.schema,
            migration: result.migrationName,
            direction: result.direction === 'Up' ? 'up' : 'down',
            status: result.status,
          });
        }
        if (error) {
          report.error = `${target.schema}: ${error instanceof Error ? error.message : String(error)}`;
          break;
        }
      }
      return report;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}

/**
 * True when exactly the target's migrations have run. Kysely's migrator finds that out too, but
 * first checks its tables through `introspection.getTables()`, a catalogue-wide query that costs
 * PGlite about a second per schema: most of a restart's time before this check.
 */
async function isUpToDate(db: Kysely<unknown>, target: Target): Promise<boolean> {
  const table = `${target.schema}.${DEFAULT_MIGRATION_TABLE}`;
  const { rows } = await sql<{ exists: boolean }>`select to_regclass(${`"${target.schema}"."${DEFAULT_MIGRATION_TABLE}"`}) is not null as exists`.execute(db);
  if (!rows[0]?.exists) return false;
  const executed = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db);
  const expected = Object.keys(target.migrations);
  const names = new Set(executed.rows.map((row) => row.name));
  return names.size === expected.length && expected.every((name) => names.has(name));
}

/** Lists every known migration of the runtime and the given plugins, with when it ran. */
export async function readMigrationStatus(db: Kysely<unknown>, plugins: Plugin[]): Promise<MigrationStatusRow[]> {
  const rows: MigrationStatusRow[] = [];
  for (const target of targetsFor(plugins, true)) {
    const migrations = await migratorFor(db, target).getMigrations();
    for (const migration of migrations) {
      rows.push({ service: target.schema, migration: migration.name, executedAt: migration.executedAt ?? null });
    }
  }
  return rows;
}

/** Opens the database, migrates up or down, closes it (what `tokobapak migrate` runs). */
export async function runMigrations(config: { plugins: Plugin[]; database?: DatabaseConfig }, direction: 'up' | 'down'): Promise<MigrationReport> {
  const database = await openDatabase(config.database);
  try {
    return await applyMigrations(database.db, config.plugins, direction);
  } finally {
    await database.close();
  }
}

/** Opens the database and reports migration status (what `tokobapak migrate status` runs). */
export async function migrationStatus(config: { plugins: Plugin[]; database?: DatabaseConfig }): Promise<MigrationStatusRow[]> {
  const database = await openDatabase(config.database);
  try {
    return await readMigrationStatus(database.db, config.plugins);
  } finally {
    await database.close();
  }
}
