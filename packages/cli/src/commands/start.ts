import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { loadStoreConfig } from '../services/config-file.js';
import { flagVariables } from '../services/environment.js';
import { heapGrowingPercent } from '../services/heap-growth.js';
import { resolveConfigPath, resolveJson, resolveStoreSettings } from '../services/settings.js';
import { startStore } from '../services/start.js';
import { keepPgliteOnBaselineCompiler } from '../services/wasm-tiering.js';
import { outputMode } from '../ui/output.js';
import { createStartReporter } from '../ui/start-reporter.js';
import { envOption, storeOptions } from './options.js';

interface StartFlags {
  services?: string;
  port?: string;
  host?: string;
  data?: string;
  demo?: boolean;
  logLevel?: string;
  config?: string;
  json?: boolean;
}

/** `tokobapak start`: runs services in this process until SIGINT or SIGTERM. */
export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command('start')
    .description('run services in this process (all built-in services by default) until Ctrl+C')
    .addOption(storeOptions.services())
    .addOption(envOption(flagVariables.port))
    .addOption(envOption(flagVariables.host))
    .addOption(storeOptions.data())
    .addOption(envOption(flagVariables.demo))
    .addOption(envOption(flagVariables.logLevel))
    .addOption(storeOptions.config())
    .addOption(storeOptions.json())
    .addHelpText(
      'after',
      `
Flags win over TOKOBAPAK_* variables, which win over tokobapak.config.mjs, which wins over defaults.
DATABASE_URL switches from the PGlite folder to PostgreSQL. TOKOBAPAK_<SERVICE>_URL (or remoteServices
in the config file) points at services running in other processes. See docs/cli.md for the rest.`,
    )
    .action(async (flags: StartFlags) => {
      const json = resolveJson(flags.json, context.env);
      const file = await loadStoreConfig(context.cwd, resolveConfigPath(flags.config, context.env));
      const registry = await context.loadServices();
      const { config: _config, json: _json, ...storeFlags } = flags;
      const settings = resolveStoreSettings({ flags: storeFlags, env: context.env, cwd: context.cwd, file, builtIn: Object.keys(registry) });
      keepPgliteOnBaselineCompiler(settings.database, context.env);
      const growingPercent = heapGrowingPercent(context.env);
      const runtime = await context.loadRuntime();
      // Before the services load and the store takes traffic: V8's flags are this process's.
      runtime.limitHeapGrowth?.(growingPercent);
      const reporter = createStartReporter(outputMode(json, context.stdout, context.env), context.stdout);
      try {
        await startStore(settings, registry, runtime, { onState: (state) => reporter.update(state), waitForShutdown: context.waitForShutdown });
      } finally {
        reporter.close();
      }
    });
}
