import { type Command, Option } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { flagVariables } from '../services/environment.js';
import { scaffoldStore } from '../services/scaffold.js';
import { parseBoolean, resolveJson } from '../services/settings.js';
import { outputMode, present } from '../ui/output.js';
import { scaffoldPresentation } from '../ui/presentations.js';
import { envOption } from './options.js';

interface NewFlags {
  name?: string;
  /** A path from `--link <path>`, false from `--no-link`, undefined from neither. */
  link?: string | false;
  json?: boolean;
}

/** `tokobapak new <dir>`: scaffolds a store project. */
export function registerNewCommand(program: Command, context: CliContext): void {
  program
    .command('new')
    .description('create a store project in a new or empty folder')
    .argument('<dir>', 'folder to create the store in')
    .addOption(envOption(flagVariables.name))
    .addOption(envOption(flagVariables.link))
    .addOption(new Option('--no-link', `depend on the published packages even when run from a checkout [env: ${flagVariables.link.name}=false]`))
    .addOption(envOption(flagVariables.json))
    .action(async (dir: string, flags: NewFlags) => {
      const json = resolveJson(flags.json, context.env);
      const result = await scaffoldStore({
        dir,
        name: flags.name ?? context.env[flagVariables.name.name],
        link: flags.link ?? linkFromEnv(context.env[flagVariables.link.name]),
        cwd: context.cwd,
      });
      present(outputMode(json, context.stdout, context.env), context.stdout, scaffoldPresentation(result, context.cwd));
    });
}

// TOKOBAPAK_LINK is a checkout path, or a boolean: false means --no-link, true means "detect".
function linkFromEnv(raw: string | undefined): string | false | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^(true|false|1|0|yes|no|on|off)$/i.test(raw.trim())) return parseBoolean(raw, flagVariables.link.name) ? undefined : false;
  return raw;
}
