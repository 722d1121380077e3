import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { resolveJson } from '../services/settings.js';
import { createStore, inviteToStore, showStore, transferStore } from '../services/store-actions.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { storeVariables } from '../services/store-environment.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { invitationPresentation, storePresentation, transferPresentation } from '../ui/store-presentations.js';
import { envOption, storeOptions } from './options.js';

interface StoreFlags extends ConnectionFlags {
  json?: boolean;
  name?: string;
  handle?: string;
  role?: string;
  to?: string;
}

/** Adds the connection flags every `store` subcommand takes. */
function withConnection(command: Command, options: { store: boolean }): Command {
  command
    .addOption(envOption(storeVariables.url))
    .addOption(envOption(storeVariables.apiKey))
    .addOption(envOption(storeVariables.email))
    .addOption(envOption(storeVariables.password));
  if (options.store) command.addOption(envOption(storeVariables.store));
  return command.addOption(storeOptions.json());
}

/** Reads a flag, then its variable; a missing required value names both. */
function required(flag: string | undefined, context: CliContext, variable: { flag: string; name: string }): string {
  const value = flag ?? (context.env[variable.name] || undefined);
  if (value === undefined) throw new CliError('CLI_INVALID_VALUE', `Pass ${variable.flag.split(' ')[0]} (or ${variable.name})`);
  return value;
}

/** `tokobapak store create|show|invite|transfer`: a merchant's store, through the API of a running store. */
export function registerStoreCommand(program: Command, context: CliContext): void {
  const store = program.command('store').description("open a store, show it, invite staff and hand it on (against a running store's API)");

  withConnection(store.command('create').description('open a new store owned by the signed-in person'), { store: false })
    .addOption(envOption(storeVariables.name))
    .addOption(envOption(storeVariables.handle))
    .action(async (flags: StoreFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = resolveConnection(flags, context.env);
      const input = { name: required(flags.name, context, storeVariables.name), handle: required(flags.handle, context, storeVariables.handle) };
      const created = await withSpinner(mode, context.stdout, 'Opening the store', () => createStore(connection, input));
      present(mode, context.stdout, storePresentation(created, true));
    });

  withConnection(store.command('show').description('show the store your credentials act in'), { store: true }).action(async (flags: StoreFlags) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    const connection = resolveConnection(flags, context.env);
    const shown = await withSpinner(mode, context.stdout, 'Fetching the store', () => showStore(connection));
    present(mode, context.stdout, storePresentation(shown, false));
  });

  withConnection(store.command('invite').description('mail an invitation to work in the store (owners only)').argument('<email>', 'who to invite'), {
    store: true,
  })
    .addOption(envOption(storeVariables.role))
    .action(async (email: string, flags: StoreFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = resolveConnection(flags, context.env);
      const role = flags.role ?? (context.env[storeVariables.role.name] || 'staff');
      const invitation = await withSpinner(mode, context.stdout, `Inviting ${email}`, () => inviteToStore(connection, { email, role }));
      present(mode, context.stdout, invitationPresentation(invitation));
    });

  withConnection(store.command('transfer').description('hand the store to another of its members (owners only); you become a manager'), {
    store: true,
  })
    .addOption(envOption(storeVariables.to))
    .action(async (flags: StoreFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = resolveConnection(flags, context.env);
      const to = required(flags.to, context, storeVariables.to);
      const transfer = await withSpinner(mode, context.stdout, `Handing the store to ${to}`, () => transferStore(connection, { to }));
      present(mode, context.stdout, transferPresentation(transfer));
    });
}
