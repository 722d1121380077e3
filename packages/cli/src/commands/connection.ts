import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { parseBoolean } from '../services/settings.js';
import { storeVariables } from '../services/store-environment.js';
import { envOption, storeOptions } from './options.js';

/** A flag with its variable. */
type Variable = { flag: string; name: string };

/**
 * Adds the connection flags of the commands that talk to a running store: where it runs, a store
 * API key, a person's email and password (or the session of `tokobapak login`), which store to act
 * in, and `--json`.
 */
export function withConnection(command: Command, options: { store?: boolean; password?: boolean } = {}): Command {
  command.addOption(envOption(storeVariables.url)).addOption(envOption(storeVariables.apiKey));
  if (options.password !== false) command.addOption(envOption(storeVariables.email)).addOption(envOption(storeVariables.password));
  if (options.store) command.addOption(envOption(storeVariables.store));
  return command.addOption(storeOptions.json());
}

/**
 * The connection flags of the commands that act with a store API key or the session of
 * `tokobapak login` (no email and password flags); their connection is `sessionOrKeyConnection`.
 */
export function withSessionOrKey(command: Command): Command {
  return withConnection(command, { password: false });
}

/**
 * The flags of the commands that act only in the session of `tokobapak login` (`payouts`): where
 * the store runs and `--json`; their connection is `sessionConnection`.
 */
export function withSession(command: Command): Command {
  return command.addOption(envOption(storeVariables.url)).addOption(storeOptions.json());
}

/** A flag, else its variable, else undefined. */
export function optional(flag: string | undefined, context: CliContext, variable: Variable): string | undefined {
  return flag ?? (context.env[variable.name] || undefined);
}

/** A switch given as a flag, else as its variable (`1`, `true`, `yes`, `on`), else off. */
export function enabled(flag: boolean | undefined, context: CliContext, variable: { name: string }): boolean {
  if (flag !== undefined) return flag;
  const raw = context.env[variable.name];
  return raw === undefined || raw.trim() === '' ? false : parseBoolean(raw, variable.name);
}

/** A flag or its variable; a missing one names both. */
export function required(flag: string | undefined, context: CliContext, variable: Variable): string {
  const value = optional(flag, context, variable);
  if (value === undefined) throw new CliError('CLI_INVALID_VALUE', `Pass ${variable.flag.split(' ')[0]} (or ${variable.name})`);
  return value;
}
