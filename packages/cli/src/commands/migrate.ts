import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { loadStoreConfig } from '../services/config-file.js';
import { CliError } from '../services/errors.js';
import { type MigrationDirection, migrationStatusFor, runMigrationsFor } from '../services/migrate.js';
import { describeDatabase } from '../services/server-config.js';
import { resolveConfigPath, resolveJson, resolveStoreSettings } from '../services/settings.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { migrationReportPresentation, migrationStatusPresentation } from '../ui/presentations.js';
import { storeOptions } from './options.js';

interface MigrateFlags {
  services?: string;
  data?: string;
  config?: string;
  json?: boolean;
}

const ACTIONS = ['up', 'down', 'status'] as const;
type MigrateAction = (typeof ACTIONS)[number];

/** `tokobapak migrate [up|down|status]`. */
export function registerMigrateCommand(program: Command, context: CliContext): void {
  program
    .command('migrate')
    .description('apply pending migrations (up), revert the latest of each service (down), or list them (status)')
    .argument('[action]', 'up, down or status', parseAction, 'up')
    .addOption(storeOptions.services())
    .addOption(storeOptions.data())
    .addOption(storeOptions.config())
    .addOption(storeOptions.json())
    .action(async (action: MigrateAction, flags: MigrateFlags) => {
      const json = resolveJson(flags.json, context.env);
      const mode = outputMode(json, context.stdout, context.env);
      const file = await loadStoreConfig(context.cwd, resolveConfigPath(flags.config, context.env));
      const registry = await context.loadServices();
      const settings = resolveStoreSettings({
        flags: { services: flags.services, data: flags.data },
        env: context.env,
        cwd: context.cwd,
        file,
        builtIn: Object.keys(registry),
      });
      const runtime = await context.loadRuntime();
      const where = describeDatabase(settings.database);

      if (action === 'status') {
        const rows = await withSpinner(mode, context.stdout, `Reading migrations (${where})`, () => migrationStatusFor(settings, registry, runtime));
        present(mode, context.stdout, migrationStatusPresentation(rows));
        return;
      }
      const direction: MigrationDirection = action;
      const label = `${direction === 'up' ? 'Applying' : 'Reverting'} migrations of ${settings.services.join(', ')} (${where})`;
      const report = await withSpinner(mode, context.stdout, label, () => runMigrationsFor(direction, settings, registry, runtime));
      present(mode, context.stdout, migrationReportPresentation(direction, report));
      // The report (with the error) is already printed; exit 1 without printing it twice.
      if (report.error) throw new CliError('CLI_MIGRATION_FAILED', report.error, { reported: true });
    });
}

function parseAction(value: string): MigrateAction {
  if (!(ACTIONS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ACTIONS.join(', ')}`);
  return value as MigrateAction;
}
