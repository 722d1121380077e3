import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { loadStoreConfig } from '../services/config-file.js';
import { flagVariables } from '../services/environment.js';
import { describeServices } from '../services/service-catalogue.js';
import { resolveConfigPath, resolveJson, resolveStoreSettings } from '../services/settings.js';
import { outputMode, present } from '../ui/output.js';
import { servicesPresentation } from '../ui/presentations.js';
import { storeOptions } from './options.js';

interface ServicesFlags {
  config?: string;
  json?: boolean;
}

/** `tokobapak services`: the built-in services and which ones the current config loads. */
export function registerServicesCommand(program: Command, context: CliContext): void {
  program
    .command('services')
    .description('list the built-in services, their size, and which ones the current config loads')
    .addOption(storeOptions.config())
    .addOption(storeOptions.json())
    .action(async (flags: ServicesFlags) => {
      const json = resolveJson(flags.json, context.env);
      const file = await loadStoreConfig(context.cwd, resolveConfigPath(flags.config, context.env));
      const registry = await context.loadServices();
      const settings = resolveStoreSettings({ flags: {}, env: context.env, cwd: context.cwd, file, builtIn: Object.keys(registry) });
      const services = describeServices(registry, settings);
      // Credit the layer that chose the services: a TOKOBAPAK_SERVICES variable beats a config file that is merely present.
      const loadedBy =
        settings.sources.services === 'env' ? flagVariables.services.name : settings.sources.services === 'config' ? settings.configPath : undefined;
      present(outputMode(json, context.stdout, context.env), context.stdout, servicesPresentation(services, settings.configPath, loadedBy));
    });
}
